/**
 * Kemendagri region names and a cascading picker limited to the account's scope, from
 * the public region list (cached by the browser for a day and here for the session).
 */
import { useEffect, useState } from 'react';
import { api, qs } from './api';
import { useI18n, type MessageKey } from './i18n';

export interface RegionItem {
  code: string;
  name: string;
}

const children = new Map<string, Promise<RegionItem[]>>();

/** Child regions of `parent` ('' or 'ID' for provinces). */
export function regionChildren(parent: string): Promise<RegionItem[]> {
  const key = parent === 'ID' ? '' : parent;
  let p = children.get(key);
  if (!p) {
    p = api<{ items: RegionItem[] }>(`/api/v1/public/regions${qs({ parent: key || undefined })}`).then((r) => r.items);
    p.catch(() => children.delete(key));
    children.set(key, p);
  }
  return p;
}

export function levelOf(code: string): number {
  if (!code || code === 'ID') return 0;
  return code.split('.').length;
}

export function parentOf(code: string): string {
  const parts = code.split('.');
  return parts.length <= 1 ? 'ID' : parts.slice(0, -1).join('.');
}

export async function regionName(code: string): Promise<string | undefined> {
  if (!code || code === 'ID') return undefined;
  const items = await regionChildren(levelOf(code) === 1 ? '' : parentOf(code));
  return items.find((i) => i.code === code)?.name;
}

/** "32.01.01 — CIBINONG" once the name is known, the code until then. */
export function useRegionName(code: string | undefined): string | undefined {
  const [name, setName] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    setName(undefined);
    if (code) regionName(code).then((n) => { if (live) setName(n); }, () => {});
    return () => { live = false; };
  }, [code]);
  return name;
}

export function RegionLabel({ code }: { code: string }) {
  const { t } = useI18n();
  const name = useRegionName(code);
  if (code === 'ID') return <>{t('app.national')}</>;
  return <>{name ? `${name} (${code})` : code}</>;
}

const LEVEL_KEYS: MessageKey[] = ['common.province', 'common.regency', 'common.district', 'common.village'];

/**
 * Cascading selects below `scope`; `value` is the chosen code ('' = the whole scope).
 * Only levels under the scope are offered, so an out-of-scope region cannot be chosen.
 */
export function RegionPicker({ scope, value, onChange, idPrefix, maxLevel = 4 }: {
  scope: string; value: string; onChange(code: string): void; idPrefix: string; maxLevel?: number;
}) {
  const { t } = useI18n();
  const base = levelOf(scope);
  const chosen = value && (scope === 'ID' || value === scope || value.startsWith(`${scope}.`)) ? value : scope;
  const path: string[] = [];
  for (let l = base + 1; l <= Math.min(levelOf(chosen), 4); l++) path.push(chosen.split('.').slice(0, l).join('.'));
  const levels: number[] = [];
  for (let l = base + 1; l <= Math.min(maxLevel, 4); l++) levels.push(l);
  const [options, setOptions] = useState<Record<string, RegionItem[]>>({});

  useEffect(() => {
    let live = true;
    const parents = [scope, ...path].slice(0, levels.length);
    for (const parent of parents) {
      if (levelOf(parent) >= 4 || options[parent]) continue;
      regionChildren(parent).then((items) => { if (live) setOptions((o) => ({ ...o, [parent]: items })); }, () => {});
    }
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scope, chosen]);

  if (levels.length === 0) return null;
  return (
    <fieldset className="region-picker">
      <legend>{t('common.region')}</legend>
      {levels.map((level, i) => {
        const parent = i === 0 ? scope : path[i - 1];
        if (!parent) return null;
        const items = options[parent] ?? [];
        const id = `${idPrefix}-l${level}`;
        return (
          <div className="field" key={level}>
            <label htmlFor={id}>{t(LEVEL_KEYS[level - 1]!)}</label>
            <select id={id} value={path[i] ?? ''} onChange={(e) => onChange(e.target.value || (i === 0 ? '' : path[i - 1]!))}>
              <option value="">{i === 0 ? t('common.regionAll') : t('common.all')}</option>
              {items.map((r) => <option key={r.code} value={r.code}>{r.name}</option>)}
            </select>
          </div>
        );
      })}
    </fieldset>
  );
}
