import { contrastRatio, isHexColor, mostReadableOn } from './contrast.js';
import type { PageBranding } from './page-model.js';

/** The tenant settings defaults (`branding.primaryColor`, `branding.backgroundColor`). */
export const defaultBrandColors = { primary: '#3b5bdb', background: '#f8f9fa' } as const;

/** Colours that do not depend on the tenant; the card the forms sit on is always `surface`. */
export const fixedColors = {
  surface: '#ffffff',
  text: '#1f2328',
  mutedText: '#4a5159',
  border: '#6b7280',
  errorText: '#8a1c24',
  errorBackground: '#fdecee',
  light: '#ffffff',
} as const;

/** The minimum contrast for normal text (WCAG 2.x AA, 1.4.3). */
export const minimumTextContrast = 4.5;

export interface Palette {
  primary: string;
  /** Text on primary buttons: white or dark, whichever reads better on the tenant's primary. */
  onPrimary: string;
  background: string;
  /** Text placed directly on the page background (brand name without a logo). */
  onBackground: string;
  /** Links and focus rings on the card: the primary colour if it is readable there, else the text colour. */
  link: string;
  focus: string;
}

/**
 * The page palette for a tenant's branding. Colours that are not `#rrggbb` fall back to the defaults
 * (they are interpolated into CSS), and text colours are chosen for contrast, so a tenant's light
 * primary colour gets dark button text instead of unreadable white.
 */
export function brandPalette(branding: PageBranding): Palette {
  const primary = validColor(branding.primaryColor, defaultBrandColors.primary);
  const background = validColor(branding.backgroundColor, defaultBrandColors.background);
  // Every hosted page asks for its tenant's palette; the contrast arithmetic is done once per pair.
  const key = `${primary}${background}`;
  let palette = palettes.get(key);
  if (!palette) {
    if (palettes.size >= MAX_REMEMBERED_PALETTES) palettes.clear();
    palette = paletteOf(primary, background);
    palettes.set(key, palette);
  }
  return palette;
}

const palettes = new Map<string, Palette>();
const MAX_REMEMBERED_PALETTES = 1_000;

function paletteOf(primary: string, background: string): Palette {
  const link =
    contrastRatio(primary, fixedColors.surface) >= minimumTextContrast ? primary : fixedColors.text;
  return {
    primary,
    onPrimary: mostReadableOn(primary, [fixedColors.light, fixedColors.text]),
    background,
    onBackground: mostReadableOn(background, [fixedColors.text, fixedColors.light]),
    link,
    focus: link,
  };
}

const validColor = (color: string | undefined, fallback: string): string =>
  color !== undefined && isHexColor(color) ? color.toLowerCase() : fallback;

/** The palette as the CSS custom properties the stylesheet reads. */
export function paletteCustomProperties(palette: Palette): string {
  const properties: Record<string, string> = {
    '--portico-primary': palette.primary,
    '--portico-on-primary': palette.onPrimary,
    '--portico-background': palette.background,
    '--portico-on-background': palette.onBackground,
    '--portico-link': palette.link,
    '--portico-focus': palette.focus,
    '--portico-surface': fixedColors.surface,
    '--portico-text': fixedColors.text,
    '--portico-muted-text': fixedColors.mutedText,
    '--portico-border': fixedColors.border,
    '--portico-error-text': fixedColors.errorText,
    '--portico-error-background': fixedColors.errorBackground,
  };
  const declarations = Object.entries(properties).map(([name, value]) => `${name}:${value};`);
  return `:root{${declarations.join('')}}`;
}
