/** WCAG 2.x relative luminance and contrast ratio for `#rrggbb` colours. */

const hexColorPattern = /^#[0-9a-fA-F]{6}$/;

export const isHexColor = (value: string): boolean => hexColorPattern.test(value);

export function relativeLuminance(hexColor: string): number {
  if (!isHexColor(hexColor)) throw new Error(`not a #rrggbb colour: ${hexColor}`);
  const [red, green, blue] = [1, 3, 5].map((start) => {
    const channel = Number.parseInt(hexColor.slice(start, start + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

/** Contrast ratio between two colours, 1 (none) to 21 (black on white); the order does not matter. */
export function contrastRatio(first: string, second: string): number {
  const [lighter, darker] = [relativeLuminance(first), relativeLuminance(second)].sort((a, b) => b - a) as [
    number,
    number,
  ];
  return (lighter + 0.05) / (darker + 0.05);
}

/** Of the candidates, the one that reads best on `background`. */
export function mostReadableOn(background: string, candidates: readonly [string, ...string[]]): string {
  return candidates.reduce((best, candidate) =>
    contrastRatio(candidate, background) > contrastRatio(best, background) ? candidate : best,
  );
}
