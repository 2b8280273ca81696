/**
 * Server-rendered pages of the review workspace: escaping, the page wrapper, the style sheet. Pages
 * are React components (.tsx here); the cruscotto's body is still `html`, placed by `layout`.
 */
import { createElement, type ReactElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Layout, type LayoutProps } from './Layout.tsx';

/** Escapes text for HTML content and attribute values. */
export function h(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A tagged template whose interpolations are escaped unless already wrapped by `raw`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}
export const raw = (text: string) => new Html(text);
/** A page body written as React components (escaped by React), for the string-built layout. */
export const fromReact = (node: ReactElement) => new Html(renderToStaticMarkup(node));
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out +=
      (Array.isArray(v) ? v.map((x) => (x instanceof Html ? x.text : h(x))).join('') : v instanceof Html ? v.text : h(v)) + strings[i + 1]!;
  });
  return new Html(out);
}

/** A whole page: the React layout around a body written as components or, still, as `html` (the cruscotto). */
export function layout(opts: Omit<LayoutProps, 'children'> & { body: Html | ReactNode }): string {
  const { body, ...frame } = opts;
  const content =
    body instanceof Html ? createElement('div', { className: 'content', dangerouslySetInnerHTML: { __html: body.text } }) : body;
  return `<!doctype html>\n${renderToStaticMarkup(createElement(Layout, frame, content))}`;
}

export const CSS = `
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 0; }
header.top { display: flex; flex-wrap: wrap; gap: .4rem 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #1f4e79; color: #fff; }
header.top nav a { color: #fff; margin-right: 1rem; text-decoration: none; white-space: nowrap; display: inline-block; }
header.top nav a[aria-current] { text-decoration: underline; font-weight: bold; }
header.top .logout { margin-left: auto; }
main { padding: 1rem 1.5rem; max-width: 1200px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 1.5rem; }
th, td { border: 1px solid #d5d9e0; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
.tabs a { display: inline-block; padding: .4rem .8rem; border: 1px solid #c3c9d3; border-bottom: none; background: #e7ebf0; color: #1d2330; text-decoration: none; }
.tabs a[aria-current] { background: #fff; font-weight: bold; }
.fail { color: #a4000f; font-weight: bold; } .warn { color: #8a5a00; } .pass { color: #1c6b2c; } .na { color: #666; }
.flash { background: #fff7d6; border: 1px solid #e3c65a; padding: .5rem; }
.error { background: #fde8ea; border: 1px solid #d9808a; padding: .5rem; }
.code { font-size: 2.4rem; letter-spacing: .2rem; font-family: monospace; }
form.inline { display: inline; }
label { display: block; margin: .4rem 0; }
textarea { width: 100%; min-height: 6rem; }
.photos img { max-width: 220px; max-height: 220px; margin: .3rem; border: 1px solid #ccc; }
code { word-break: break-all; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
button { font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid #1f4e79; background: #1f4e79; color: #fff; cursor: pointer; }
button:hover { background: #163a5c; }
button:focus-visible, a:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
a.button-secondary { display: inline-block; margin-left: .6rem; padding: .4rem .9rem; border-radius: 4px; border: 1px solid #1f4e79; color: #1f4e79; background: #fff; text-decoration: none; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; background: #fff; border: 1px solid #d5d9e0; padding: .6rem .8rem; }
dl.summary dt { font-weight: bold; } dl.summary dd { margin: 0; }
header.top button { background: transparent; border-color: #fff; padding: .15rem .6rem; }
input, select, textarea { font: inherit; padding: .3rem .4rem; border: 1px solid #9aa3b1; border-radius: 4px; }
`;
