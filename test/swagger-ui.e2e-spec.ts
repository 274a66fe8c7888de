import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createApp } from './support/apps';
import { launchChromium } from './support/chromium';
import { FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser, TestUser } from './support/users';

jest.setTimeout(60_000);

describe('Swagger UI in a real browser (/docs)', () => {
  let t: TestApp;
  let node: FakeNode;
  let user: TestUser;
  let app: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    node = await startFakeNode('a');
    user = await registerUser(t.server);
    app = await createApp(t.server, user, [node]);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('requestfailed', (req) => failedRequests.push(req.url()));
    page.on('response', (res) => {
      if (res.status() >= 400) failedRequests.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${t.url}/docs`);
    await page.locator('.opblock').first().waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.close();
    await t?.close();
  });

  const operation = (method: string, path: string) =>
    page.locator(`.opblock-${method}`, { has: page.locator(`[data-path="${path}"]`) });

  it('renders every route of the OpenAPI document, with no script error or failed asset', async () => {
    const doc = await request(t.server).get('/docs-json').expect(200);
    const documented = Object.entries(doc.body.paths as Record<string, object>).flatMap(
      ([path, item]) => Object.keys(item).map((method) => `${method} ${path}`),
    );
    const shown = await page
      .locator('.opblock')
      .evaluateAll((blocks) =>
        blocks.map(
          (block) =>
            `${block.querySelector('.opblock-summary-method')?.textContent?.toLowerCase()} ` +
            `${block.querySelector('[data-path]')?.getAttribute('data-path')}`,
        ),
      );
    expect(documented.length).toBeGreaterThan(15);
    expect(shown.sort()).toEqual(documented.sort());
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  });

  it('lists the apps of the user whose token is given to Authorize, through Try it out', async () => {
    await page.locator('button.authorize').first().click();
    await page.locator('.modal-ux input').fill(user.token);
    await page.locator('.modal-ux button.authorize').click();
    await page.locator('.modal-ux button.btn-done').click();

    const list = operation('get', '/api/apps');
    await list.locator('.opblock-summary').click();
    await list.locator('button.try-out__btn').click();
    await list.locator('button.execute').click();
    const response = list.locator('.live-responses-table .response');
    await expect(response.locator('.response-col_status').textContent()).resolves.toContain('200');
    const body = await response.locator('.response-col_description pre').first().textContent();
    expect(JSON.parse(body ?? '')).toEqual({ apps: [app] });
  });

  it('shows an error of the contract when a call is refused', async () => {
    const login = operation('post', '/api/auth');
    await login.locator('.opblock-summary').click();
    await login.locator('button.try-out__btn').click();
    await login
      .locator('textarea.body-param__text')
      .fill(JSON.stringify({ email: user.email, password: 'not-the-password' }));
    await login.locator('button.execute').click();
    const response = login.locator('.live-responses-table .response');
    await expect(response.locator('.response-col_status').textContent()).resolves.toContain('401');
    const body = await response.locator('.response-col_description pre').first().textContent();
    expect(JSON.parse(body ?? '')).toMatchObject({ status_code: 401, error: '05' });
  });
});
