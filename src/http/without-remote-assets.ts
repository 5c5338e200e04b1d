/**
 * Bull Board's page links its fonts from Google Fonts. The dashboard is an operator's tool, often on a
 * machine with no way out (a private network, a laptop offline during an incident), where that request
 * hangs or fails and leaves the page half-styled; it also tells a third party who opens the dashboard, and
 * when. Its stylesheet already names system fonts after the linked ones, so dropping the link is enough:
 * no request leaves the machine. Done on the rendered page, so a new Bull Board page keeps its own assets.
 */
import type { Express } from 'express';

/** `<link ... href="https://...">`: a stylesheet, preconnect or font fetched from another origin. */
const REMOTE_LINK = /<link\b[^>]*\bhref\s*=\s*["'](?:https?:)?\/\/[^"']*["'][^>]*>\s*/gi;

export function withoutRemoteLinks(html: string): string {
  return html.replace(REMOTE_LINK, '');
}

/** Every page the (Bull Board) app renders loses its links to other origins. */
export function renderWithoutRemoteLinks(app: Express): void {
  const render = app.render.bind(app);
  app.render = (
    name: string,
    options?: object | ((error: Error, html: string) => void),
    callback?: (error: Error, html: string) => void,
  ) => {
    const done = typeof options === 'function' ? options : callback;
    const locals = typeof options === 'function' ? {} : (options ?? {});
    render(name, locals, (error, html) =>
      done?.(error, typeof html === 'string' ? withoutRemoteLinks(html) : html),
    );
  };
}
