import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withoutRemoteLinks } from '../../../src/http/without-remote-assets';

describe('withoutRemoteLinks', () => {
  it("drops Bull Board's links to other origins and keeps its own stylesheet and icons", () => {
    const page = readFileSync(
      join(dirname(require.resolve('@bull-board/ui/package.json')), 'dist', 'index.ejs'),
      'utf8',
    );
    // The page this guards against: it links Google Fonts today.
    expect(page).toMatch(/<link[^>]*href="https:\/\/fonts\.googleapis\.com/);
    const kept = withoutRemoteLinks(page);
    expect(kept).not.toMatch(/<link[^>]*href=["'](https?:)?\/\//);
    expect(kept).toMatch(/<link href="static\/css\/main\.[0-9a-f]+\.css" rel="stylesheet">/);
    expect(kept).toContain('href="<%= favIconDefault %>"');
  });

  it('drops protocol-relative and single-quoted links, and preconnects', () => {
    expect(
      withoutRemoteLinks(
        '<head><link rel=\'preconnect\' href=\'//fonts.gstatic.com\'>\n<link href="http://cdn.example/x.css" rel="stylesheet"><title>t</title></head>',
      ),
    ).toBe('<head><title>t</title></head>');
  });
});
