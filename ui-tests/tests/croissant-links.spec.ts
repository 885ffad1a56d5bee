import { expect, test } from '../support/fixtures';

/**
 * The Croissant record in the dataset view names its files by URL. Those links must work from
 * the browser: through the lab's /genesis/ proxy (which adds the platform token), not the
 * platform's own loopback address, which the browser cannot use (no token: 401).
 */
test('Croissant download links in the dataset view go through the proxy and download the file', async ({
  page,
  baseURL
}) => {
  await page.evaluate(() => window.jupyterapp.commands.execute('genesis:open-dataset', { ref: 'noaa/mauna-loa-co2' }));
  const detail = page.locator('#genesis-dataset-noaa-mauna-loa-co2');
  await expect(detail.locator('.jp-Genesis-detailTitle')).toContainText('Mauna Loa');
  await detail.locator('summary', { hasText: 'Croissant record' }).click();
  const json = detail.locator('.jp-Genesis-croissant pre');
  await expect(json).toContainText('"contentUrl"');
  const croissant = JSON.parse((await json.textContent()) ?? '') as {
    '@id': string;
    distribution: { contentUrl: string; sha256: string; encodingFormat: string }[];
  };
  const file = croissant.distribution[0]!;
  const proxied = `${baseURL}/genesis/api/`;
  expect(file.contentUrl.startsWith(proxied)).toBe(true);
  expect(croissant['@id'].startsWith(proxied)).toBe(true);

  // What a click on the link fetches, with the page's own credentials: the stored file itself.
  const got = await page.evaluate(async (url) => {
    const r = await fetch(url);
    const bytes = new Uint8Array(await r.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
    };
  }, file.contentUrl);
  expect(got.status).toBe(200);
  expect(got.type).toContain(file.encodingFormat);
  expect(got.sha256).toBe(file.sha256);
});
