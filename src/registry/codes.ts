/**
 * Code lists of the registry, after the Regsosek 2022 family form (the basis of DTSEN).
 *
 * Codes are stable lowercase slugs stored in the database and used by eligibility
 * rules; `no` is the questionnaire's numeric code, accepted on import as an alias;
 * `aliases` are other spellings an operator may type. Labels are Bahasa Indonesia
 * first, English second. Changing a code is a migration; adding one is not.
 */
export interface CodeEntry {
  readonly code: string;
  readonly no: number;
  readonly id: string;
  readonly en: string;
  readonly aliases?: readonly string[];
}

export interface CodeList {
  readonly name: string;
  readonly entries: readonly CodeEntry[];
}

function list(name: string, entries: readonly CodeEntry[]): CodeList {
  return { name, entries };
}

export const tenure = list('tenure', [
  { code: 'milik_sendiri', no: 1, id: 'Milik sendiri', en: 'Owned', aliases: ['milik'] },
  { code: 'kontrak_sewa', no: 2, id: 'Kontrak/sewa', en: 'Rented', aliases: ['sewa', 'kontrak'] },
  { code: 'bebas_sewa', no: 3, id: 'Bebas sewa', en: 'Rent-free', aliases: ['numpang'] },
  { code: 'dinas', no: 4, id: 'Dinas', en: 'Official housing' },
  { code: 'lainnya', no: 5, id: 'Lainnya', en: 'Other' },
]);

export const landTitle = list('land_title', [
  { code: 'shm', no: 1, id: 'SHM atas nama anggota keluarga', en: 'Freehold title (family member)' },
  { code: 'shm_lain', no: 2, id: 'SHM bukan a.n. anggota keluarga', en: 'Freehold title (other person)' },
  { code: 'sertifikat_lain', no: 3, id: 'Sertifikat selain SHM (SHGB, SHSRS)', en: 'Other certificate' },
  { code: 'surat_bukti_lain', no: 4, id: 'Surat bukti lainnya (girik, letter C)', en: 'Other proof' },
  { code: 'tidak_punya', no: 5, id: 'Tidak punya', en: 'None' },
]);

export const floorMaterial = list('floor', [
  { code: 'marmer_granit', no: 1, id: 'Marmer/granit', en: 'Marble/granite' },
  { code: 'keramik', no: 2, id: 'Keramik', en: 'Ceramic' },
  { code: 'parket_vinil', no: 3, id: 'Parket/vinil/karpet', en: 'Parquet/vinyl/carpet' },
  { code: 'ubin_tegel', no: 4, id: 'Ubin/tegel/teraso', en: 'Tile/terrazzo' },
  { code: 'kayu_kualitas_tinggi', no: 5, id: 'Kayu/papan kualitas tinggi', en: 'High-quality wood' },
  { code: 'semen_bata', no: 6, id: 'Semen/bata merah', en: 'Cement/red brick', aliases: ['semen'] },
  { code: 'bambu', no: 7, id: 'Bambu', en: 'Bamboo' },
  { code: 'kayu_kualitas_rendah', no: 8, id: 'Kayu/papan kualitas rendah', en: 'Low-quality wood' },
  { code: 'tanah', no: 9, id: 'Tanah', en: 'Earth' },
  { code: 'lainnya', no: 10, id: 'Lainnya', en: 'Other' },
]);

export const wallMaterial = list('wall', [
  { code: 'tembok', no: 1, id: 'Tembok', en: 'Masonry' },
  { code: 'plesteran_bambu', no: 2, id: 'Plesteran anyaman bambu/kawat', en: 'Plastered woven bamboo' },
  { code: 'kayu', no: 3, id: 'Kayu/papan/gypsum/GRC/calciboard', en: 'Wood/board' },
  { code: 'anyaman_bambu', no: 4, id: 'Anyaman bambu', en: 'Woven bamboo' },
  { code: 'batang_kayu', no: 5, id: 'Batang kayu', en: 'Logs' },
  { code: 'bambu', no: 6, id: 'Bambu', en: 'Bamboo' },
  { code: 'lainnya', no: 7, id: 'Lainnya', en: 'Other' },
]);

export const roofMaterial = list('roof', [
  { code: 'beton', no: 1, id: 'Beton', en: 'Concrete' },
  { code: 'genteng', no: 2, id: 'Genteng', en: 'Roof tile' },
  { code: 'seng', no: 3, id: 'Seng', en: 'Corrugated iron' },
  { code: 'asbes', no: 4, id: 'Asbes', en: 'Asbestos' },
  { code: 'bambu', no: 5, id: 'Bambu', en: 'Bamboo' },
  { code: 'kayu_sirap', no: 6, id: 'Kayu/sirap', en: 'Wood/shingle' },
  { code: 'jerami_ijuk', no: 7, id: 'Jerami/ijuk/daun/rumbia', en: 'Thatch' },
  { code: 'lainnya', no: 8, id: 'Lainnya', en: 'Other' },
]);

export const waterSource = list('water', [
  { code: 'air_kemasan', no: 1, id: 'Air kemasan bermerk', en: 'Bottled water' },
  { code: 'air_isi_ulang', no: 2, id: 'Air isi ulang', en: 'Refill water' },
  { code: 'leding', no: 3, id: 'Leding', en: 'Piped water', aliases: ['pdam'] },
  { code: 'sumur_bor', no: 4, id: 'Sumur bor/pompa', en: 'Borehole' },
  { code: 'sumur_terlindung', no: 5, id: 'Sumur terlindung', en: 'Protected well' },
  { code: 'sumur_tak_terlindung', no: 6, id: 'Sumur tak terlindung', en: 'Unprotected well' },
  { code: 'mata_air_terlindung', no: 7, id: 'Mata air terlindung', en: 'Protected spring' },
  { code: 'mata_air_tak_terlindung', no: 8, id: 'Mata air tak terlindung', en: 'Unprotected spring' },
  { code: 'air_permukaan', no: 9, id: 'Air permukaan (sungai/danau/waduk)', en: 'Surface water' },
  { code: 'air_hujan', no: 10, id: 'Air hujan', en: 'Rainwater' },
  { code: 'lainnya', no: 11, id: 'Lainnya', en: 'Other' },
]);

export const lightingSource = list('lighting', [
  { code: 'pln_meteran', no: 1, id: 'Listrik PLN dengan meteran', en: 'PLN with meter' },
  { code: 'pln_tanpa_meteran', no: 2, id: 'Listrik PLN tanpa meteran', en: 'PLN without meter' },
  { code: 'non_pln', no: 3, id: 'Listrik non-PLN', en: 'Non-PLN electricity' },
  { code: 'bukan_listrik', no: 4, id: 'Bukan listrik', en: 'No electricity' },
]);

/** Installed power in VA; 2200 stands for "2,200 VA or more" as on the form. */
export const powerVa = [450, 900, 1300, 2200] as const;

export const cookingFuel = list('cooking_fuel', [
  { code: 'listrik', no: 1, id: 'Listrik', en: 'Electricity' },
  { code: 'lpg_5_5kg', no: 2, id: 'Gas elpiji 5,5 kg/blue gaz', en: 'LPG 5.5 kg' },
  { code: 'lpg_12kg', no: 3, id: 'Gas elpiji 12 kg', en: 'LPG 12 kg' },
  { code: 'lpg_3kg', no: 4, id: 'Gas elpiji 3 kg', en: 'LPG 3 kg', aliases: ['lpg', 'elpiji'] },
  { code: 'gas_kota', no: 5, id: 'Gas kota/meteran PGN', en: 'Piped gas' },
  { code: 'biogas', no: 6, id: 'Biogas', en: 'Biogas' },
  { code: 'minyak_tanah', no: 7, id: 'Minyak tanah', en: 'Kerosene' },
  { code: 'briket', no: 8, id: 'Briket', en: 'Briquettes' },
  { code: 'arang', no: 9, id: 'Arang', en: 'Charcoal' },
  { code: 'kayu_bakar', no: 10, id: 'Kayu bakar', en: 'Firewood' },
  { code: 'lainnya', no: 11, id: 'Lainnya', en: 'Other' },
  { code: 'tidak_memasak', no: 12, id: 'Tidak memasak di rumah', en: 'Does not cook at home' },
]);

export const toiletFacility = list('toilet', [
  { code: 'sendiri', no: 1, id: 'Ada, digunakan hanya ART sendiri', en: 'Own' },
  { code: 'bersama', no: 2, id: 'Ada, digunakan bersama ART rumah tangga tertentu', en: 'Shared' },
  { code: 'komunal', no: 3, id: 'Ada, di MCK komunal', en: 'Communal' },
  { code: 'umum', no: 4, id: 'Ada, di MCK umum/siapapun menggunakan', en: 'Public' },
  { code: 'tidak_ada', no: 5, id: 'Tidak ada fasilitas', en: 'None' },
]);

export const sewageDisposal = list('sewage', [
  { code: 'tangki_septik', no: 1, id: 'Tangki septik', en: 'Septic tank' },
  { code: 'ipal', no: 2, id: 'IPAL', en: 'Sewage treatment plant' },
  { code: 'kolam_sungai', no: 3, id: 'Kolam/sawah/sungai/danau/laut', en: 'Pond/river/sea' },
  { code: 'lubang_tanah', no: 4, id: 'Lubang tanah', en: 'Pit' },
  { code: 'pantai_kebun', no: 5, id: 'Pantai/tanah lapang/kebun', en: 'Open ground' },
  { code: 'lainnya', no: 6, id: 'Lainnya', en: 'Other' },
]);

/** Programs a family reports receiving (and programs Tepat decides on). */
export const program = list('program', [
  { code: 'pkh', no: 1, id: 'Program Keluarga Harapan (PKH)', en: 'PKH conditional cash transfer' },
  { code: 'bpnt', no: 2, id: 'Program Sembako/BPNT', en: 'Sembako/BPNT food aid', aliases: ['sembako'] },
  { code: 'pbi_jk', no: 3, id: 'PBI Jaminan Kesehatan', en: 'PBI-JK health premium', aliases: ['pbi', 'kis'] },
  { code: 'blt_dd', no: 4, id: 'BLT Dana Desa', en: 'Village-fund cash (BLT-DD)', aliases: ['blt'] },
  { code: 'pip', no: 5, id: 'Program Indonesia Pintar (PIP)', en: 'PIP school grant', aliases: ['kip'] },
  { code: 'prakerja', no: 6, id: 'Kartu Prakerja', en: 'Kartu Prakerja' },
  { code: 'subsidi_listrik', no: 7, id: 'Subsidi listrik', en: 'Electricity subsidy' },
  { code: 'lainnya', no: 8, id: 'Bantuan lainnya', en: 'Other assistance' },
]);

export const relationship = list('relationship', [
  { code: 'kepala', no: 1, id: 'Kepala keluarga', en: 'Head', aliases: ['kepala_keluarga', 'kk'] },
  { code: 'istri_suami', no: 2, id: 'Istri/suami', en: 'Spouse', aliases: ['istri', 'suami'] },
  { code: 'anak', no: 3, id: 'Anak', en: 'Child' },
  { code: 'menantu', no: 4, id: 'Menantu', en: 'Child-in-law' },
  { code: 'cucu', no: 5, id: 'Cucu', en: 'Grandchild' },
  { code: 'orang_tua', no: 6, id: 'Orang tua/mertua', en: 'Parent/parent-in-law', aliases: ['mertua'] },
  { code: 'famili_lain', no: 7, id: 'Famili lain', en: 'Other relative' },
  { code: 'lainnya', no: 8, id: 'Lainnya', en: 'Other' },
]);

export const sex = list('sex', [
  { code: 'L', no: 1, id: 'Laki-laki', en: 'Male', aliases: ['laki-laki', 'laki laki', 'pria', 'lk', 'm', 'male'] },
  { code: 'P', no: 2, id: 'Perempuan', en: 'Female', aliases: ['perempuan', 'wanita', 'pr', 'f', 'female', 'w'] },
]);

export const maritalStatus = list('marital', [
  { code: 'belum_kawin', no: 1, id: 'Belum kawin', en: 'Never married' },
  { code: 'kawin', no: 2, id: 'Kawin/nikah', en: 'Married', aliases: ['nikah'] },
  { code: 'cerai_hidup', no: 3, id: 'Cerai hidup', en: 'Divorced' },
  { code: 'cerai_mati', no: 4, id: 'Cerai mati', en: 'Widowed' },
]);

export const presenceStatus = list('presence', [
  { code: 'tinggal', no: 1, id: 'Tinggal bersama keluarga', en: 'Living in the family', aliases: ['hidup', 'ada'] },
  { code: 'meninggal', no: 2, id: 'Meninggal', en: 'Deceased' },
  { code: 'pindah', no: 3, id: 'Pindah', en: 'Moved away' },
  { code: 'baru', no: 4, id: 'Anggota baru', en: 'New member' },
  { code: 'tidak_ditemukan', no: 5, id: 'Tidak ditemukan', en: 'Not found' },
]);

export const identityDocument = list('document', [
  { code: 'ktp_el', no: 1, id: 'KTP elektronik', en: 'Electronic ID card', aliases: ['ktp', 'e-ktp'] },
  { code: 'kia', no: 2, id: 'Kartu Identitas Anak', en: 'Child ID card' },
  { code: 'akta_lahir', no: 3, id: 'Akta kelahiran', en: 'Birth certificate', aliases: ['akta'] },
  { code: 'tidak_ada', no: 4, id: 'Tidak memiliki', en: 'None' },
]);

export const schoolParticipation = list('school_participation', [
  { code: 'tidak_pernah', no: 0, id: 'Tidak/belum pernah sekolah', en: 'Never attended' },
  { code: 'masih_sekolah', no: 1, id: 'Masih sekolah', en: 'In school' },
  { code: 'tidak_lagi', no: 2, id: 'Tidak bersekolah lagi', en: 'No longer in school' },
]);

export const educationLevel = list('education', [
  { code: 'tidak_sekolah', no: 0, id: 'Tidak/belum sekolah', en: 'None' },
  { code: 'paud', no: 1, id: 'PAUD/TK', en: 'Pre-school', aliases: ['tk'] },
  { code: 'sd', no: 2, id: 'SD/MI/Paket A', en: 'Primary', aliases: ['mi', 'paket_a'] },
  { code: 'smp', no: 3, id: 'SMP/MTs/Paket B', en: 'Lower secondary', aliases: ['mts', 'paket_b'] },
  { code: 'sma', no: 4, id: 'SMA/SMK/MA/Paket C', en: 'Upper secondary', aliases: ['smk', 'ma', 'paket_c'] },
  { code: 'diploma', no: 5, id: 'D1/D2/D3', en: 'Diploma', aliases: ['d3'] },
  { code: 's1', no: 6, id: 'D4/S1', en: 'Bachelor', aliases: ['d4'] },
  { code: 's2_s3', no: 7, id: 'S2/S3', en: 'Postgraduate', aliases: ['s2', 's3'] },
]);

export const workStatus = list('work_status', [
  { code: 'tidak_bekerja', no: 0, id: 'Tidak bekerja', en: 'Not working' },
  { code: 'berusaha_sendiri', no: 1, id: 'Berusaha sendiri', en: 'Own-account' },
  { code: 'berusaha_buruh_tidak_tetap', no: 2, id: 'Berusaha dibantu buruh tidak tetap', en: 'Employer (temporary help)' },
  { code: 'berusaha_buruh_tetap', no: 3, id: 'Berusaha dibantu buruh tetap', en: 'Employer (permanent staff)' },
  { code: 'buruh_karyawan', no: 4, id: 'Buruh/karyawan/pegawai', en: 'Employee' },
  { code: 'pekerja_bebas', no: 5, id: 'Pekerja bebas', en: 'Casual worker' },
  { code: 'pekerja_keluarga', no: 6, id: 'Pekerja keluarga/tidak dibayar', en: 'Unpaid family worker' },
]);

/**
 * Occupation as far as eligibility needs it. ASN, TNI, Polri, state officials and
 * BUMN/BUMD staff are never eligible, nor are their families (DOMAIN.md, programs).
 */
export const occupation = list('occupation', [
  { code: 'tidak_bekerja', no: 0, id: 'Tidak bekerja', en: 'Not working' },
  { code: 'petani', no: 1, id: 'Petani/pekebun', en: 'Farmer' },
  { code: 'buruh_tani', no: 2, id: 'Buruh tani', en: 'Farm labourer' },
  { code: 'nelayan', no: 3, id: 'Nelayan', en: 'Fisher' },
  { code: 'buruh', no: 4, id: 'Buruh harian lepas', en: 'Day labourer' },
  { code: 'pedagang', no: 5, id: 'Pedagang', en: 'Trader' },
  { code: 'wiraswasta', no: 6, id: 'Wiraswasta', en: 'Self-employed' },
  { code: 'karyawan_swasta', no: 7, id: 'Karyawan swasta', en: 'Private employee' },
  { code: 'asn', no: 8, id: 'ASN (PNS/PPPK)', en: 'Civil servant', aliases: ['pns', 'pppk'] },
  { code: 'tni', no: 9, id: 'TNI', en: 'Armed forces' },
  { code: 'polri', no: 10, id: 'Polri', en: 'Police' },
  { code: 'pejabat_negara', no: 11, id: 'Pejabat negara', en: 'State official' },
  { code: 'bumn_bumd', no: 12, id: 'Pegawai BUMN/BUMD', en: 'State-enterprise staff', aliases: ['bumn', 'bumd'] },
  { code: 'pensiunan', no: 13, id: 'Pensiunan', en: 'Pensioner' },
  { code: 'mengurus_rumah_tangga', no: 14, id: 'Mengurus rumah tangga', en: 'Homemaker', aliases: ['irt'] },
  { code: 'pelajar', no: 15, id: 'Pelajar/mahasiswa', en: 'Student' },
  { code: 'lainnya', no: 16, id: 'Lainnya', en: 'Other' },
]);

/** Occupations that exclude the whole family from every program. */
export const neverEligibleOccupations = ['asn', 'tni', 'polri', 'pejabat_negara', 'bumn_bumd'] as const;

/** Washington Group functional domains; a member lists those with "a lot of difficulty" or worse. */
export const disabilityType = list('disability', [
  { code: 'melihat', no: 1, id: 'Penglihatan', en: 'Seeing' },
  { code: 'mendengar', no: 2, id: 'Pendengaran', en: 'Hearing' },
  { code: 'berjalan', no: 3, id: 'Berjalan/naik tangga', en: 'Walking' },
  { code: 'tangan', no: 4, id: 'Menggunakan tangan/jari', en: 'Hands/fingers' },
  { code: 'belajar', no: 5, id: 'Mengingat/berkonsentrasi', en: 'Remembering/concentrating' },
  { code: 'perilaku', no: 6, id: 'Perilaku/emosi', en: 'Behaviour/emotions' },
  { code: 'komunikasi', no: 7, id: 'Berbicara/berkomunikasi', en: 'Communicating' },
  { code: 'mengurus_diri', no: 8, id: 'Mengurus diri sendiri', en: 'Self-care' },
]);

export const chronicIllness = list('chronic_illness', [
  { code: 'tidak_ada', no: 0, id: 'Tidak ada', en: 'None' },
  { code: 'hipertensi', no: 1, id: 'Hipertensi', en: 'Hypertension' },
  { code: 'rematik', no: 2, id: 'Rematik', en: 'Rheumatism' },
  { code: 'asma', no: 3, id: 'Asma', en: 'Asthma' },
  { code: 'jantung', no: 4, id: 'Masalah jantung', en: 'Heart disease' },
  { code: 'diabetes', no: 5, id: 'Diabetes', en: 'Diabetes' },
  { code: 'tbc', no: 6, id: 'Tuberkulosis', en: 'Tuberculosis' },
  { code: 'stroke', no: 7, id: 'Stroke', en: 'Stroke' },
  { code: 'kanker', no: 8, id: 'Kanker/tumor ganas', en: 'Cancer' },
  { code: 'gagal_ginjal', no: 9, id: 'Gagal ginjal', en: 'Kidney failure' },
  { code: 'hiv_aids', no: 10, id: 'HIV/AIDS', en: 'HIV/AIDS' },
  { code: 'kolesterol', no: 11, id: 'Kolesterol', en: 'High cholesterol' },
  { code: 'sirosis', no: 12, id: 'Sirosis hati', en: 'Liver cirrhosis' },
  { code: 'thalasemia', no: 13, id: 'Thalasemia', en: 'Thalassaemia' },
  { code: 'leukemia', no: 14, id: 'Leukemia', en: 'Leukaemia' },
  { code: 'alzheimer', no: 15, id: 'Alzheimer', en: "Alzheimer's" },
  { code: 'ppok', no: 16, id: 'PPOK', en: 'COPD' },
  { code: 'lainnya', no: 17, id: 'Lainnya', en: 'Other' },
]);

export const healthInsurance = list('health_insurance', [
  { code: 'pbi_jkn', no: 1, id: 'BPJS Kesehatan PBI', en: 'JKN premium subsidised (PBI)' },
  { code: 'jkn_mandiri', no: 2, id: 'BPJS Kesehatan mandiri', en: 'JKN self-paid' },
  { code: 'jkn_pekerja', no: 3, id: 'BPJS Kesehatan pekerja', en: 'JKN employee' },
  { code: 'jamkesda', no: 4, id: 'Jamkesda', en: 'Regional health insurance' },
  { code: 'swasta', no: 5, id: 'Asuransi swasta', en: 'Private insurance' },
  { code: 'tidak_ada', no: 6, id: 'Tidak punya', en: 'None' },
]);

/** Every list, by name: for the code_list table, templates and docs. */
export const codeLists: readonly CodeList[] = [
  tenure, landTitle, floorMaterial, wallMaterial, roofMaterial, waterSource, lightingSource,
  cookingFuel, toiletFacility, sewageDisposal, program, relationship, sex, maritalStatus,
  presenceStatus, identityDocument, schoolParticipation, educationLevel, workStatus, occupation,
  disabilityType, chronicIllness, healthInsurance,
];

/** The codes of a list, for typed checks: `codesOf(floorMaterial)`. */
export function codesOf(codeList: CodeList): string[] {
  return codeList.entries.map((e) => e.code);
}
