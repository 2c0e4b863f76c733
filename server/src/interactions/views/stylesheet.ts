/**
 * The base stylesheet of every hosted page. Colours come from the custom properties written by
 * `paletteCustomProperties`, so a tenant's branding changes them without touching this file; focus is
 * always visible (a 3px ring in a colour that contrasts with the card).
 */
export const baseStylesheet = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.5;-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;background:var(--portico-background);color:var(--portico-text);display:flex;flex-direction:column;align-items:center;padding:2rem 1rem}
.portico-brand{margin:0 0 1.5rem;color:var(--portico-on-background);font-size:1.25rem;font-weight:600;text-align:center}
.portico-brand img{max-height:3rem;max-width:12rem;display:block;margin:0 auto}
.portico-card{width:100%;max-width:26rem;background:var(--portico-surface);color:var(--portico-text);border-radius:.75rem;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.12),0 8px 24px rgba(0,0,0,.06)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
p{margin:0 0 1rem}
a{color:var(--portico-link);text-decoration:underline;text-underline-offset:.15em}
.portico-field{margin:0 0 1rem}
.portico-field label{display:block;font-weight:600;margin-bottom:.25rem}
.portico-hint{display:block;color:var(--portico-muted-text);font-size:.875rem;margin-top:.25rem}
input[type=text],input[type=email],input[type=password],input[type=tel]{width:100%;font:inherit;padding:.625rem .75rem;border:1px solid var(--portico-border);border-radius:.375rem;background:var(--portico-surface);color:var(--portico-text)}
input[type=number],input[type=date],select{width:100%;font:inherit;padding:.625rem .75rem;border:1px solid var(--portico-border);border-radius:.375rem;background:var(--portico-surface);color:var(--portico-text)}
.portico-field-error{display:block;color:var(--portico-error-text);font-size:.875rem;margin-top:.25rem}
input[readonly]{background:var(--portico-background)}
.portico-checkbox{display:flex;gap:.5rem;align-items:flex-start;margin:0 0 .75rem}
.portico-checkbox input{margin-top:.3rem;width:1.1rem;height:1.1rem;flex:none}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:600;padding:0;margin-bottom:.5rem}
.portico-actions{display:flex;flex-direction:column;gap:.75rem;margin-top:1.5rem}
button{font:inherit;font-weight:600;width:100%;padding:.7rem 1rem;border-radius:.375rem;cursor:pointer}
.portico-primary{background:var(--portico-primary);color:var(--portico-on-primary);border:2px solid var(--portico-primary)}
.portico-secondary{background:var(--portico-surface);color:var(--portico-text);border:2px solid var(--portico-border)}
.portico-primary:hover{filter:brightness(.92)}
.portico-secondary:hover{background:var(--portico-background)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid var(--portico-focus);outline-offset:2px}
.portico-alert{background:var(--portico-error-background);color:var(--portico-error-text);border-left:4px solid var(--portico-error-text);padding:.75rem 1rem;border-radius:.375rem;margin:0 0 1rem}
.portico-alert:empty{display:none}
.portico-divider{text-align:center;color:var(--portico-muted-text);margin:1.25rem 0}
.portico-links{margin-top:1.5rem;display:flex;flex-direction:column;gap:.5rem}
.portico-links p{margin:0}
.portico-scopes{margin:0 0 1rem;padding-left:1.25rem}
.portico-scopes li{margin-bottom:.25rem}
.portico-code{display:block;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1.75rem;letter-spacing:.2em;text-align:center;padding:.75rem;border:1px dashed var(--portico-border);border-radius:.375rem;margin:0 0 1rem}
input.portico-code-input{text-transform:uppercase;letter-spacing:.15em;text-align:center;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.portico-meta{color:var(--portico-muted-text);font-size:.875rem}
.portico-meta code{color:var(--portico-text);word-break:break-all}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`.trim();
