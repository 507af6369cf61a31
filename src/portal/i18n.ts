/**
 * The portal's words: Bahasa Indonesia first, English second. Program, category and
 * status labels live with their lists; this holds the page text.
 */
export type Lang = 'id' | 'en';

export const LANGS: readonly Lang[] = ['id', 'en'];

const M = {
  siteName: ['Tepat · Cek Bansos', 'Tepat · Social assistance check'],
  skip: ['Langsung ke isi', 'Skip to content'],
  otherLang: ['English', 'Bahasa Indonesia'],
  langNav: ['Bahasa', 'Language'],
  home: ['Beranda', 'Home'],
  footer: [
    'Data pribadi dilindungi UU 27/2022. Nama ditampilkan tersamar. Pengaduan juga dapat disampaikan melalui Layanan 171 dan LAPOR!.',
    'Personal data is protected by Law 27/2022. Names are shown masked. Complaints can also be made through the 171 service and LAPOR!.',
  ],
  homeTitle: ['Cek dan sampaikan tentang bantuan sosial', 'Check and report on social assistance'],
  homeIntro: [
    'Periksa apakah Anda terdaftar dan bantuan apa yang Anda terima, usulkan keluarga yang layak, sanggah penerima yang tidak layak, atau adukan masalah penyaluran.',
    'Check whether you are registered and which assistance you receive, propose a family in need, object to a recipient who is not eligible, or complain about distribution.',
  ],
  checkNikTitle: ['Cek status dengan NIK', 'Check status by NIK'],
  checkNikLead: ['Masukkan NIK dan nama sesuai KTP. Keduanya harus cocok.', 'Enter the NIK and the name as on the ID card (KTP). Both must match.'],
  checkRegionTitle: ['Cek status dengan wilayah dan nama', 'Check status by region and name'],
  checkRegionLead: ['Pilih provinsi, kabupaten/kota, kecamatan dan desa/kelurahan, lalu tulis nama lengkap sesuai KTP.', 'Choose the province, regency/city, district and village, then type the full name as on the KTP.'],
  usulTitle: ['Usul penerima bantuan', 'Propose a recipient'],
  usulLead: ['Usulkan diri sendiri, keluarga Anda, atau keluarga lain yang layak menerima bantuan. Usulan diperiksa petugas desa dan Dinas Sosial.', 'Propose yourself, your family or another family in need. Proposals are checked by village officers and the social office.'],
  sanggahTitle: ['Sanggah penerima bantuan', 'Object to a recipient'],
  sanggahLead: ['Sampaikan bila seorang penerima menurut Anda tidak layak. Cari dulu orangnya dengan Cek status, lalu pilih “Sanggah”.', 'Tell us if you think a recipient is not eligible. First find the person with the status check, then choose “Object”.'],
  pengaduanTitle: ['Pengaduan penyaluran', 'Complaint about distribution'],
  pengaduanLead: ['Adukan bantuan yang tidak diterima, jumlah yang tidak sesuai, pungutan liar, atau petugas yang tidak melayani.', 'Report aid not received, a wrong amount, an illegal levy, or an officer who did not serve you.'],
  lacakTitle: ['Lacak usulan, sanggahan atau pengaduan', 'Track a proposal, objection or complaint'],
  lacakLead: ['Masukkan kode lacak yang Anda terima.', 'Enter the tracking code you received.'],
  statsTitle: ['Statistik bantuan sosial', 'Social assistance statistics'],
  statsLead: ['Jumlah keluarga dan jiwa terdaftar serta keluarga penerima per program, menurut wilayah. Tanpa data pribadi.', 'Families and people registered and families receiving each program, by region. No personal data.'],
  nik: ['NIK (16 angka)', 'NIK (16 digits)'],
  nikHint: ['Nomor Induk Kependudukan pada KTP atau KK.', 'The population number on the KTP or family card.'],
  name: ['Nama lengkap sesuai KTP', 'Full name as on the KTP'],
  province: ['Provinsi', 'Province'],
  regency: ['Kabupaten/kota', 'Regency/city'],
  district: ['Kecamatan', 'District'],
  village: ['Desa/kelurahan', 'Village'],
  choose: ['— pilih —', '— choose —'],
  next: ['Lanjut', 'Next'],
  changeRegion: ['Ganti wilayah', 'Change region'],
  check: ['Periksa', 'Check'],
  send: ['Kirim', 'Send'],
  track: ['Lacak', 'Track'],
  regionChosen: ['Wilayah', 'Region'],
  resultTitle: ['Hasil pemeriksaan', 'Check result'],
  found: ['Data ditemukan.', 'Record found.'],
  notFound: ['Data tidak ditemukan.', 'No record found.'],
  notFoundHelp: [
    'Periksa kembali penulisan sesuai KTP. Bila Anda belum terdaftar, Anda dapat mengajukan usul.',
    'Check the spelling against the KTP. If you are not registered, you can submit a proposal.',
  ],
  foundFor: ['Nama', 'Name'],
  program: ['Program', 'Program'],
  status: ['Status', 'Status'],
  period: ['Periode', 'Period'],
  desil: ['Desil kesejahteraan', 'Welfare decile'],
  desilNone: ['Belum tersedia', 'Not available yet'],
  objectThis: ['Sanggah penerima ini', 'Object to this recipient'],
  proposeLink: ['Ajukan usul', 'Submit a proposal'],
  checkAgain: ['Periksa lagi', 'Check again'],
  category: ['Alasan', 'Reason'],
  usulWho: ['Siapa yang diusulkan?', 'Who is proposed?'],
  usulNik: ['NIK orang yang diusulkan', 'NIK of the person proposed'],
  usulName: ['Nama orang yang diusulkan (sesuai KTP)', 'Name of the person proposed (as on the KTP)'],
  usulReason: ['Mengapa keluarga ini layak dibantu?', 'Why does this family need assistance?'],
  usulProgram: ['Program yang diusulkan (boleh dikosongkan)', 'Program proposed (optional)'],
  anyProgram: ['Tidak tahu / semua', "Don't know / any"],
  photo: ['Foto rumah atau kondisi keluarga (boleh dikosongkan)', 'Photo of the house or the family’s situation (optional)'],
  photoHint: ['JPEG atau PNG, paling besar 5 MB. Lokasi dan data kamera dihapus otomatis.', 'JPEG or PNG, at most 5 MB. Location and camera data are removed automatically.'],
  reporter: ['Kontak Anda (boleh dikosongkan)', 'Your contact (optional)'],
  reporterHint: ['Agar petugas dapat menghubungi Anda. Tidak ditampilkan kepada publik.', 'So that an officer can contact you. Never shown publicly.'],
  reporterName: ['Nama Anda', 'Your name'],
  reporterPhone: ['Nomor HP', 'Mobile number'],
  sanggahWho: ['Penerima yang disanggah', 'Recipient objected to'],
  sanggahReason: ['Jelaskan alasannya', 'Explain why'],
  sanggahNoRef: [
    'Untuk menyanggah, cari dulu penerimanya dengan Cek status (wilayah dan nama), lalu pilih “Sanggah penerima ini”.',
    'To object, first find the recipient with the status check (region and name), then choose “Object to this recipient”.',
  ],
  pengaduanWhat: ['Jenis pengaduan', 'Kind of complaint'],
  pengaduanProgram: ['Program bantuan', 'Assistance program'],
  pengaduanDesc: ['Ceritakan apa yang terjadi (kapan, di mana, siapa)', 'Tell us what happened (when, where, who)'],
  pengaduanNik: ['NIK Anda (boleh dikosongkan)', 'Your NIK (optional)'],
  otherProgram: ['Lainnya', 'Other'],
  submitted: ['Terima kasih, sudah kami terima.', 'Thank you, we have received it.'],
  trackingCode: ['Kode lacak', 'Tracking code'],
  keepCode: ['Catat atau foto kode ini untuk melacak tindak lanjutnya.', 'Write down or photograph this code to track what happens next.'],
  answerBy: ['Ditanggapi paling lambat', 'Answer due by'],
  trackNow: ['Lacak sekarang', 'Track now'],
  code: ['Kode lacak', 'Tracking code'],
  codeHint: ['Contoh: U-7KQM-2XD9-FZAB', 'Example: U-7KQM-2XD9-FZAB'],
  trackNotFound: ['Kode lacak tidak ditemukan. Periksa kembali penulisannya.', 'Tracking code not found. Please check it.'],
  kind: ['Jenis', 'Kind'],
  submittedAt: ['Diajukan', 'Submitted'],
  closedAt: ['Selesai', 'Closed'],
  history: ['Riwayat', 'History'],
  date: ['Tanggal', 'Date'],
  message: ['Keterangan', 'Note'],
  regionCol: ['Wilayah', 'Region'],
  families: ['Keluarga terdaftar', 'Families registered'],
  people: ['Jiwa terdaftar', 'People registered'],
  recipientsOf: ['Keluarga penerima', 'Recipient families'],
  downloadCsv: ['Unduh CSV', 'Download CSV'],
  allIndonesia: ['Seluruh Indonesia', 'All Indonesia'],
  total: ['Jumlah', 'Total'],
  statsNote: [
    'Tabel pertama: penerima menurut program yang dilaporkan keluarga pada pendataan. Tabel kedua: keluarga yang ditetapkan layak menerima pada periode terakhir setiap program, dengan nilai bantuan per tahun. Dihitung',
    'First table: recipients as reported by families at registration. Second table: families decided as recipients in each program\'s latest period, with the yearly amount. Computed',
  ],
  decidedCaption: ['Penerima hasil penetapan kelayakan dan nilai bantuan per tahun', 'Recipients decided by the eligibility rules and yearly amount'],
  programCol: ['Program', 'Program'],
  periodCol: ['Periode', 'Period'],
  decidedFamilies: ['Keluarga ditetapkan', 'Families decided'],
  amountYear: ['Nilai per tahun', 'Amount per year'],
  regionsCredit: ['Kode dan nama wilayah: Kemendagri melalui idn-area-data (ODbL).', 'Region codes and names: Kemendagri via idn-area-data (ODbL).'],
  fixErrors: ['Ada yang perlu diperbaiki', 'Please correct the following'],
  errNik: ['NIK harus 16 angka.', 'The NIK must be 16 digits.'],
  errName: ['Tulis nama lengkap sesuai KTP (huruf).', 'Type the full name as on the KTP (letters).'],
  errVillage: ['Pilih desa/kelurahan sampai selesai.', 'Choose the region down to the village.'],
  errCategory: ['Pilih salah satu.', 'Choose one.'],
  errText: ['Tulis paling sedikit 20 huruf, paling banyak 2.000.', 'Write at least 20 characters and at most 2,000.'],
  errPhone: ['Nomor HP tidak valid (contoh 081234567890).', 'Invalid mobile number (e.g. 081234567890).'],
  errReporterName: ['Nama terlalu panjang.', 'Name too long.'],
  errCode: ['Kode lacak tidak valid.', 'Invalid tracking code.'],
  errRef: ['Tautan sanggah tidak berlaku lagi. Cari kembali penerimanya.', 'The objection link has expired. Find the recipient again.'],
  errPhoto: ['Foto harus JPEG atau PNG dan paling besar 5 MB.', 'The photo must be a JPEG or PNG of at most 5 MB.'],
  errForm: ['Isian formulir tidak dapat dibaca. Coba kirim lagi.', 'The form could not be read. Please send it again.'],
  securityCheck: ['Pemeriksaan keamanan', 'Security check'],
  securityWhy: [
    'Karena banyak permintaan otomatis, kami perlu memastikan Anda bukan robot.',
    'Because of many automated requests, we need to make sure you are not a robot.',
  ],
  securityNoJs: [
    'Browser Anda akan menyelesaikan pemeriksaan ini otomatis. Bila tidak, tunggu {s} detik lalu tekan tombol.',
    'Your browser will complete this check automatically. If it does not, wait {s} seconds, then press the button.',
  ],
  securityRetry: ['Pemeriksaan keamanan belum selesai. Silakan kirim lagi.', 'The security check was not completed. Please send again.'],
  tooManyTitle: ['Terlalu banyak permintaan', 'Too many requests'],
  tooManyClient: ['Terlalu banyak permintaan dari jaringan Anda. Coba lagi sebentar lagi.', 'Too many requests from your network. Please try again shortly.'],
  tooManyNik: ['NIK ini terlalu sering diperiksa. Coba lagi dalam satu jam.', 'This NIK has been checked too often. Please try again in an hour.'],
  notFoundPage: ['Halaman tidak ditemukan.', 'Page not found.'],
  errorPage: ['Terjadi kesalahan. Silakan coba lagi.', 'Something went wrong. Please try again.'],
  back: ['Kembali', 'Back'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof M;

/**
 * @example t('en', 'check') === 'Check'
 */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = M[key][lang === 'en' ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

const MONTHS: Record<Lang, string[]> = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/**
 * @example formatPeriod('2025-01', 'id') === 'Januari 2025'
 * @example formatPeriod('2025-Q3', 'en') === 'Stage 3 2025'
 */
export function formatPeriod(period: string | null, lang: Lang): string {
  if (!period) return '–';
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return `${MONTHS[lang][Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) return `${lang === 'en' ? 'Stage' : 'Tahap'} ${q[2]} ${q[1]}`;
  return period;
}

/** A date (and time) in Western Indonesian Time, where most citizens live; labelled so. */
export function formatDate(d: Date, lang: Lang, withTime = false): string {
  const f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
    day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta', ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  });
  return withTime ? `${f.format(d)} WIB` : f.format(d);
}

export function formatNumber(n: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID').format(n);
}
