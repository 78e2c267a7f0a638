/**
 * The page's Settings shows the MCP servers of a real `ducklm serve` (configured in its
 * ducklm.config.json): not started until asked, then ready with its tools, or failed with why.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, screenshot, startWebStack } from '../support/browser.js';
import { namingScript } from '../support/naming-script.js';
import { tempDir } from '../support/temp-dir.js';
import { openChat } from '../web/chat-helpers.js';
import { everythingStdio } from './mcp-support.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

describe('MCP servers in Settings', () => {
  it('lists each server with its state; Start shows its tools, or why it could not start', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'ducklm.config.json'), JSON.stringify({ mcpServers: { everything: everythingStdio({ env: { SECRET: 'env-secret-0815' } }), missing: { command: '/nonexistent/mcp-server' } } }));
    const stack = await startWebStack(namingScript, { DUCK_DATA_DIR: dataDir });
    const page = await openChat(stack);
    await page.evaluate(() => (location.hash = '#settings'));
    const everything = page.locator('[data-testid="settings-mcp-server"][data-name="everything"]');
    const missing = page.locator('[data-testid="settings-mcp-server"][data-name="missing"]');
    await everything.waitFor();
    expect(await everything.getAttribute('data-state')).toBe('stopped');

    await everything.getByTestId('settings-mcp-start').click();
    await expect.poll(() => everything.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    await everything.getByTestId('settings-mcp-tools').click();
    const echo = everything.locator('[data-testid="settings-mcp-tool"][data-tool="mcp__everything__echo"]');
    await echo.waitFor();
    expect(await echo.textContent()).toBe('mcp__everything__echo Echoes back the input string');

    await missing.getByTestId('settings-mcp-start').click();
    await expect.poll(() => missing.getAttribute('data-state'), { timeout: 30_000 }).toBe('failed');
    expect(await missing.getByTestId('settings-mcp-error').textContent()).toContain('Could not start');
    expect(await page.getByTestId('settings-mcp').textContent()).not.toContain('env-secret-0815');
    await page.getByTestId('settings-mcp').scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-mcp-servers');
  });
});
