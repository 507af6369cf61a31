/** `tepat audit verify` (exit 1 naming the first broken record) and `tepat audit anchor`. */
import type { AppContext } from './context.js';
import { UsageError, type Io } from '../cli/args.js';
import { auditAnchor } from './audit.js';
import { verifyAuditLogFast } from './audit-verify.js';
import { verifyRegistryIntegrity } from '../registry/integrity.js';

export async function runAuditCommand(argv: string[], io: Io, ctx: AppContext): Promise<number> {
  const [sub] = argv;
  if (sub === 'verify') {
    const started = Date.now();
    const result = await verifyAuditLogFast(ctx.db);
    const seconds = (Date.now() - started) / 1000;
    let failed = false;
    if (result.ok) {
      io.stdout.write(`Jejak audit utuh: ${result.count} catatan, kepala ${result.headHash.toString('hex')} (${seconds.toFixed(2)} dtk).\n`);
    } else {
      const reasons = { hash_mismatch: 'isi catatan tidak cocok dengan hash-nya', prev_mismatch: 'rantai ke catatan sebelumnya putus', seq_gap: 'nomor urut melompat', malformed: 'catatan rusak' };
      io.stdout.write(`JEJAK AUDIT RUSAK: catatan seq ${String(result.firstBroken.seq)}: ${reasons[result.firstBroken.reason]} (${result.count} catatan sebelumnya utuh).\n`);
      failed = true;
    }
    if (!argv.includes('--audit-only')) {
      const registry = await verifyRegistryIntegrity(ctx.db, ctx.keyring);
      if (registry.broken.length === 0) {
        io.stdout.write(`Registri utuh: ${registry.families} keluarga, ${registry.members} anggota.\n`);
      } else {
        for (const b of registry.broken) {
          io.stdout.write(`BARIS DIUBAH DI LUAR APLIKASI: ${b.entity === 'family' ? 'keluarga' : 'anggota'} id ${b.id} (wilayah ${b.regencyCode}).\n`);
        }
        failed = true;
      }
    }
    return failed ? 1 : 0;
  }
  if (sub === 'anchor') {
    const a = await auditAnchor(ctx.db);
    io.stdout.write(JSON.stringify(a) + '\n');
    return 0;
  }
  throw new UsageError('Pemakaian: tepat audit verify | tepat audit anchor');
}
