/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (character) => `&#${character.charCodeAt(0)};`,
  );
}

export function page(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; color: #1d2733; }
  h1 { font-size: 1.5rem; }
  .product { display: flex; justify-content: space-between; align-items: center; border: 1px solid #d5dbe3; border-radius: .5rem; padding: .75rem 1rem; margin: .5rem 0; }
  button, a.button { background: #1f6feb; color: #fff; border: 0; border-radius: .4rem; padding: .5rem 1rem; font-size: 1rem; cursor: pointer; text-decoration: none; }
  .status { font-size: 1.25rem; font-weight: 600; }
  .paid { color: #137333; } .failed, .forgery { color: #b3261e; } .pending { color: #8a5a00; }
  dl { display: grid; grid-template-columns: max-content auto; gap: .25rem 1rem; }
  dt { color: #5b6776; }
  .error { color: #b3261e; }
</style>
${head}
</head>
<body>
${body}
</body>
</html>`;
}
