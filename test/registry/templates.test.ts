import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { openKeyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { importFormatMarkdown, writeTemplates } from '../../src/registry/templates.js';

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => { await t.drop(); });

describe('import templates and format documentation', () => {
  it('docs/import-format.md is the generated text (regenerate with `tepat templates --docs`)', () => {
    expect(readFileSync('docs/import-format.md', 'utf8')).toBe(importFormatMarkdown());
  });

  it('every template (CSV and XLSX) imports its example row without rejection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tepat-tpl-'));
    const files = await writeTemplates(dir);
    const keyring = await openKeyring(t.db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
    const deps = { db: t.db, keyring, actor: nationalActor };
    for (const ext of ['.csv', '.xlsx']) {
      const fam = files.find((f) => f.endsWith(`keluarga${ext}`))!;
      const mem = files.find((f) => f.endsWith(`anggota${ext}`))!;
      const f = await importFile(deps, fam);
      const m = await importFile(deps, mem);
      expect(f.rejected + m.rejected).toBe(0);
      expect(f.rows).toBe(1);
      expect(m.rows).toBe(1);
    }
  });
});
