/**
 * `tepat user add --username U --role ROLE --region CODE --password-stdin`
 * `tepat user list` · `tepat user disable U`
 */
import type { AppContext } from '../platform/context.js';
import { parseCommandArgs, UsageError, type Io } from '../cli/args.js';
import { addUser, disableUser, listUsers, ROLES } from './accounts.js';

const USAGE = `Pemakaian:
  tepat user add --username U --role PERAN --region KODE --password-stdin
      PERAN: ${ROLES.join(', ')}; KODE: kode Kemendagri (mis. 32.01) atau ID untuk nasional
  tepat user list
  tepat user disable U`;

async function readStdin(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) throw new UsageError('Kata sandi harus diberikan lewat standard input (--password-stdin).');
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text.replace(/\r?\n$/, '');
}

export async function runUserCommand(argv: string[], io: Io, ctx: AppContext): Promise<number> {
  const [sub, ...rest] = argv;
  const deps = { db: ctx.db, keyring: ctx.keyring };
  if (sub === 'add') {
    const { values } = parseCommandArgs(rest, {
      username: { type: 'string' }, role: { type: 'string' }, region: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false },
    }, USAGE);
    if (!values.username || !values.role || !values.region) throw new UsageError(`--username, --role dan --region wajib.\n\n${USAGE}`);
    if (!values['password-stdin']) throw new UsageError(`Kata sandi hanya diterima lewat --password-stdin (bukan argumen, agar tidak tercatat di riwayat shell).\n\n${USAGE}`);
    const password = await readStdin(io.stdin);
    const r = await addUser(deps, { username: values.username, role: values.role, scope: values.region, password });
    if (!r.ok) {
      io.stderr.write(`Gagal: ${r.message}\n`);
      return 1;
    }
    io.stdout.write(`Pengguna ${values.username.toLowerCase()} dibuat (peran ${values.role}, wilayah ${values.region}).\n`);
    if (r.totp) {
      io.stdout.write(`Daftarkan TOTP di aplikasi autentikator (wajib untuk peran ini):\n  rahasia: ${r.totp.secret}\n  URI: ${r.totp.uri}\n`);
    }
    return 0;
  }
  if (sub === 'list') {
    for (const u of await listUsers(deps)) {
      io.stdout.write(`${u.username.padEnd(24)} ${u.role.padEnd(11)} ${u.scope.padEnd(14)} ${u.isActive ? 'aktif' : 'nonaktif'}${u.hasTotp ? ' · TOTP' : ''}\n`);
    }
    return 0;
  }
  if (sub === 'disable') {
    const username = rest[0];
    if (!username) throw new UsageError(USAGE);
    if (!(await disableUser(deps, username))) {
      io.stderr.write(`Gagal: pengguna ${username} tidak ditemukan.\n`);
      return 1;
    }
    io.stdout.write(`Pengguna ${username} dinonaktifkan; sesi yang terbuka dicabut.\n`);
    return 0;
  }
  throw new UsageError(USAGE);
}
