/**
 * Eligibility API: one family's decisions and reasons, previews of rule changes, and
 * the rules in force. Scoped by the caller's region (row-level security) and audited.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../platform/context.js';
import { appendAudit } from '../platform/audit.js';
import { AppError } from '../platform/errors.js';
import { actorOf } from '../server/auth-plugin.js';
import { getFamilyEligibility } from './family-eligibility.js';
import { previewEligibility } from './preview-eligibility.js';
import { cycleDate, cycleOf, loadRuleDefinitions, rulesInForce } from './rules/rule-set.js';
import type { Rule } from './rules/resolve.js';
import { ParamValue } from './rules/schema.js';

const READERS = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor'] as const;
const PLANNERS = ['pusat', 'dinsos'] as const;

const Cycle = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'siklus YYYY-MM');
const Region = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'kode wilayah Kemendagri atau ID');

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const CycleQuery = z.object({ cycle: Cycle.optional() });

const PreviewBody = z.object({
  cycle: Cycle.optional(),
  region: Region.optional(),
  changes: z.record(z.string().regex(/^[a-z0-9_]+$/), z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,60}$/), ParamValue)),
  groupBy: z.enum(['province', 'regency', 'district', 'village']).optional(),
  listLimit: z.number().int().min(0).max(1000).optional(),
}).strict();

/**
 * @example await buildServer(ctx, { plugins: [eligibilityRoutes(ctx)] });
 */
export function eligibilityRoutes(ctx: AppContext) {
  const definitions = loadRuleDefinitions();
  const resolved = new Map<string, Rule[]>();
  const rulesFor = (cycle: string): Rule[] => {
    let rules = resolved.get(cycle);
    if (!rules) {
      rules = rulesInForce(definitions, cycleDate(cycle));
      resolved.set(cycle, rules);
    }
    return rules;
  };

  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/api/v1/families/:id/eligibility', {
      schema: { tags: ['eligibility'], params: IdParams, querystring: CycleQuery },
    }, async (request) => {
      const actor = actorOf(request, READERS);
      const cycle = request.query.cycle ?? cycleOf(new Date());
      const rules = rulesFor(cycle);
      const view = await ctx.db.transaction(async (tx) => {
        const v = await getFamilyEligibility(tx, request.params.id, { rules, cycle, refDate: cycleDate(cycle) });
        if (v) await appendAudit(tx, { action: 'eligibility.view', entityType: 'family', entityId: request.params.id, changes: { cycle } });
        return v;
      }, actor);
      if (!view) throw new AppError('not_found', 'Keluarga tidak ditemukan.');
      return view;
    });

    r.post('/api/v1/eligibility/preview', {
      schema: { tags: ['eligibility'], body: PreviewBody },
    }, async (request) => {
      const actor = actorOf(request, PLANNERS);
      const body = request.body;
      return previewEligibility({ db: ctx.db, actor, definitions }, {
        cycle: body.cycle ?? cycleOf(new Date()), region: body.region, changes: body.changes, groupBy: body.groupBy, listLimit: body.listLimit,
      });
    });

    r.get('/api/v1/eligibility/rules', {
      schema: { tags: ['eligibility'], querystring: CycleQuery },
    }, async (request) => {
      actorOf(request, READERS);
      const cycle = request.query.cycle ?? cycleOf(new Date());
      return {
        cycle,
        programs: rulesFor(cycle).map((x) => ({
          program: x.program, version: x.version, name: x.name, shortName: x.shortName, effectiveFrom: x.effectiveFrom,
          effectiveTo: x.effectiveTo, tahapPerYear: x.tahapPerYear, params: x.params, hash: x.hash,
        })),
      };
    });
  };
}
