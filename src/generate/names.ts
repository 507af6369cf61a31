/**
 * Indonesian personal names by ethnic group, sex and generation.
 *
 * Lists are written most common first (picked with a front bias). Naming customs
 * followed: Batak children carry the father's marga and a wife keeps her own (marga
 * are exogamous, so it differs from her husband's); Balinese names start with I (men)
 * or Ni (women) and a birth-order name (Wayan/Putu/Gede, Made/Kadek/Nengah,
 * Nyoman/Komang, Ketut, then again from the start), behind a caste title for the few
 * Brahmana and Ksatria families; Javanese of older generations often have one name,
 * some in the pre-1972 spelling (oe, dj, tj, j for y); younger Indonesians of every
 * group get names from a shared modern pool; Chinese-Indonesians mostly have
 * Indonesian-form names, older ones in Sumatra and Kalimantan a Chinese form.
 */
import type { Random } from './random.js';

export type Ethnicity =
  | 'javanese' | 'sundanese' | 'batak' | 'minang' | 'bugis' | 'balinese' | 'arabic' | 'chinese' | 'eastern';

export type Sex = 'L' | 'P';

export type BalineseCaste = 'sudra' | 'brahmana' | 'ksatria' | 'anak_agung';

const list = (s: string): readonly string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

// --- Javanese ---------------------------------------------------------------------
const javaMaleSingle = list(`Sugiyono, Suparman, Sutrisno, Slamet, Sukardi, Sumarno, Suyanto, Mulyono, Sarjono,
  Wagiman, Paimin, Tukiman, Kasno, Samijo, Ngatiman, Warsito, Purwanto, Hartono, Widodo, Prasetyo, Supriyadi,
  Sunarto, Darmaji, Haryanto, Kuswanto, Margono, Rohmat, Santoso, Subagyo, Sudarmono, Sukamto, Sumardi, Suwarno,
  Triyono, Waluyo, Yulianto, Wahyudi, Darmawan, Gunawan, Sarwono, Suroto, Karyono, Sumadi, Jumadi, Parno, Sudiro,
  Tumijo, Sukirno, Wiyono, Sutarno, Rusdi, Mujiono, Sudarsono, Harjono, Kasmin, Legiman, Sarimin`);
const javaMaleFirst = list(`Agus, Budi, Joko, Bambang, Eko, Heru, Slamet, Sugeng, Teguh, Hadi, Dwi, Tri, Puji, Sigit,
  Wahyu, Adi, Ari, Iwan, Bagus, Yudi, Anang, Edi, Didik, Rudi, Hari, Endro, Nanang, Tony, Danang, Catur, Bayu,
  Imam, Arif, Yoyok, Totok, Hendro`);
const javaMaleSecond = list(`Santoso, Susilo, Prasetyo, Cahyono, Purnomo, Setiawan, Wibowo, Kurniawan, Nugroho,
  Hidayat, Saputro, Hartono, Widodo, Sutrisno, Wijayanto, Raharjo, Sulistyo, Pamungkas, Utomo, Handoko, Suryadi,
  Riyanto, Haryanto, Prabowo, Supriyanto, Wahyudi, Susanto, Kuncoro, Mulyono, Setiadi, Irawan, Hermanto`);
const javaFemaleSingle = list(`Sumiati, Wahyuni, Sulastri, Suparmi, Sumarni, Suyati, Sukini, Painem, Tukinem, Ngatini,
  Wartini, Sutini, Partini, Sunarti, Kartini, Murni, Lestari, Rahayu, Purwanti, Yuliani, Suwarni, Mulyani, Sriyatun,
  Jumiati, Sumirah, Ngadinah, Tumini, Sarmi, Rukiyah, Kasmini, Sutarmi, Marsinah, Suratmi, Tarmini, Waginah,
  Katmi, Suyatmi, Sukarti, Paijem, Wagiyem, Juminah, Legini`);
const javaFemaleFirst = list(`Sri, Siti, Tri, Dwi, Endang, Rini, Yuni, Dewi, Ratna, Indah, Puji, Eka, Nur, Tutik,
  Endah, Ani, Wulan, Retno, Eni, Yanti, Lilik, Umi, Tuti, Budi, Dyah, Ika, Anik, Erna, Heni, Nining`);
const javaFemaleSecond = list(`Wahyuni, Rahayu, Lestari, Astuti, Handayani, Suryani, Kusumawati, Wulandari,
  Purwanti, Rahmawati, Susanti, Hartati, Utami, Setyowati, Widayanti, Ningsih, Mulyani, Sulistyowati, Yuliani,
  Winarsih, Sumarni, Haryati, Mulyaningsih, Pratiwi, Rahmawati, Susilowati, Puspitasari, Andayani, Kusumaningrum`);

// --- Sundanese --------------------------------------------------------------------
const sundaMaleFirst = list(`Asep, Ujang, Dede, Cecep, Yayan, Iwan, Dadang, Dadan, Engkos, Oding, Deden, Jajang,
  Nanang, Aep, Enjang, Odang, Usep, Maman, Yayat, Wawan, Yana, Entis, Otong, Agus, Rudi, Hendra, Dadi, Ujang,
  Uus, Ayi, Didin, Cahya, Yusuf, Dodi, Jaja, Tatang, Eman, Dudi, Encep`);
const sundaMaleSecond = list(`Sunarya, Suhendar, Hidayat, Setiawan, Permana, Kusnadi, Rusmana, Sopian, Saepudin,
  Supriatna, Gunawan, Kurniawan, Mulyana, Sutisna, Rohmana, Hermawan, Suryana, Ruhiyat, Nugraha, Kusnandar,
  Sobari, Firmansyah, Suherman, Sukmana, Taryana, Rustandi, Hendrayana, Sudrajat, Rahmat, Saepulloh`);
const sundaFemaleFirst = list(`Euis, Neng, Iis, Imas, Enok, Yati, Popon, Nining, Eneng, Tati, Ai, Lilis, Nenden,
  Yeyen, Dewi, Rina, Wulan, Entin, Cicih, Titin, Iin, Ela, Elis, Ati, Eti, Mimin, Dedeh, Siti, Nur, Oneng, Ikah,
  Onah, Yani, Tita, Rika, Nia, Yeni`);
const sundaFemaleSecond = list(`Nurhayati, Rohaeti, Kurniasih, Rahayu, Marlina, Komalasari, Rosmiati, Sumiati,
  Suryani, Juariah, Hasanah, Maryati, Nurjanah, Herawati, Sukaesih, Mulyati, Sopiah, Rukmini, Rostika, Kuraesin,
  Aisah, Hayati, Nurlaela, Rohimah, Sumarni, Yulianti, Aminah, Kokom, Iyah, Nengsih, Sulastri`);

// --- Batak ------------------------------------------------------------------------
/** Toba, Simalungun and Karo marga: mostly Christian families. */
export const margaChristian = list(`Simanjuntak, Sitorus, Hutapea, Sinaga, Simatupang, Situmorang, Pardede,
  Panjaitan, Sihombing, Manurung, Tampubolon, Hutagalung, Silalahi, Sianturi, Gultom, Nainggolan, Pasaribu,
  Siahaan, Napitupulu, Marpaung, Sirait, Butarbutar, Purba, Saragih, Damanik, Sembiring, Ginting, Tarigan, Sitepu,
  Hutabarat, Simbolon, Sihite, Aritonang, Lumbantobing, Situmeang, Malau, Sagala, Simorangkir`);
/** Mandailing and Angkola marga: mostly Muslim families. */
export const margaMuslim = list(`Nasution, Lubis, Harahap, Siregar, Daulay, Rangkuti, Pulungan, Batubara,
  Hasibuan, Ritonga, Matondang, Parinduri, Dalimunthe, Hasibuan, Pohan`);
const batakMaleChr = list(`Tigor, Hotman, Roy, Jhonson, Parlindungan, Martua, Benny, Robert, Janter, Togar, Bonar,
  Poltak, Sahat, Halomoan, Tumpal, Marihot, Binsar, Sabar, Pardamean, Hisar, Darwin, Rudolf, Edison, Saut, Jonner,
  Lamhot, Oloan, Maruli, Mangasi, Hendrik, Daniel, Rianto, Andreas, Jansen, Bernard, Freddy, Herbert, Polin,
  Manahan, Sahala, Gomgom, Rinaldi`);
const batakFemaleChr = list(`Rosmawati, Tiurma, Lasma, Rumondang, Dame, Sondang, Hotmaida, Erna, Lenny, Rina, Masta,
  Romauli, Tiominar, Nurmaida, Rosdiana, Lamria, Risma, Saurma, Ruth, Roslina, Jojor, Melva, Mian, Nella, Tetty,
  Dorlan, Rosita, Lasmaria, Tiurlan, Hotnida, Rotua, Kristina, Marintan, Desi, Rosalina, Lamtiur`);

// --- Minangkabau ------------------------------------------------------------------
const minangMale = list(`Afrizal, Syafrizal, Yusrizal, Darmawan, Zulkifli, Hendri, Erman, Asril, Yulizar,
  Novrizal, Irwan, Jasman, Syahrial, Efendi, Firdaus, Yusman, Alfian, Zulhendri, Rusli, Rizal, Desrizal, Basri,
  Syamsul, Erizal, Nofrizal, Masrizal, Dasril, Yondri, Andri, Yasril, Amiruddin, Zainal, Rahmat, Jufri, Nasrul,
  Azwar, Dedi, Fauzan, Hendra, Mardius`);
const minangMaleSecond = list(`Putra, Saputra, Rahman, Syam, Arif, Bahar, Hamid, Chaniago, Piliang, Koto, Tanjung,
  Jambak, Sikumbang, Hidayat, Effendi, Zainal, Marajo, Yunus, Idris, Malik`);
const minangFemale = list(`Yusnidar, Nurhasanah, Yulinar, Rosnawati, Erniwati, Desmawati, Elfi, Yeni, Zurainah,
  Fitri, Wati, Yusneli, Nelmawati, Rosmaniar, Darnis, Asnidar, Yulisma, Erlina, Nurmalis, Syafnidar, Rahmi, Yulia,
  Vivi, Rika, Liza, Yanti, Desi, Zurni, Ernawati, Marlina, Asmawati, Nurlela, Jusmaniar, Rosmiati, Eli, Syofia`);
const minangFemaleSecond = list(`Sari, Yanti, Wati, Putri, Andriani, Fitria, Susanti, Rahmi, Yulianti, Zuraida,
  Hasanah, Marni, Elita, Novita, Yusra, Herlina`);

// --- Bugis and Makassar -----------------------------------------------------------
const bugisMale = list(`Baharuddin, Sudirman, Jamaluddin, Syamsuddin, Hasanuddin, Amiruddin, Nasaruddin, Syahrir,
  Ambo, Baso, Sulaiman, Darwis, Haris, Ilyas, Mustari, Syarifuddin, Kamaruddin, Zainuddin, Mansur, Rustam,
  Hamzah, Arifin, Asri, Ramli, Muhtar, Ridwan, Rahman, Abdullah, Muis, Anwar, Jufri, Syahrul, Hasbi, Basri,
  Irfan, Saharuddin, Muslimin, Nurdin, Tahir, Kadir, Sainal, Bakri`);
const bugisMaleSecond = list(`Tang, Sirajuddin, Kadir, Hamid, Rahman, Syam, Amir, Ali, Baso, Latif, Said, Yusuf,
  Mappe, Tahir, Daeng Ngalle, Lolo, Sanusi, Idris, Alimuddin, Mustafa`);
const bugisFemale = list(`Hasnah, Nurhaedah, Besse, Haerani, Rosmiati, Hasmawati, Nurhayati, Asni, Jumriah,
  Rahmawati, Sahariah, Kasmawati, Hasriani, Nurliah, Jusriani, Marwah, Hasmiah, Nurhasanah, Rahmatia, Hadijah,
  Nursiah, Suriani, Hartati, Irmawati, Murni, Salmah, Hamsiah, Nurbaya, Kartini, Darmawati, Rosdiana, Nuraeni,
  Syamsiah, Haslinda, Suarni, Sumarni, Rohani, Hasmiati`);
const bugisFemaleSecond = list(`Indo, Ati, Tang, Sari, Wati, Rahman, Dewi, Aminah, Kalsum, Baji`);

// --- Balinese ---------------------------------------------------------------------
const baliOrder: readonly (readonly string[])[] = [
  list('Wayan, Putu, Gede, Wayan, Putu'),
  list('Made, Kadek, Nengah, Made'),
  list('Nyoman, Komang, Nyoman'),
  list('Ketut'),
];
const baliMale = list(`Sudarsana, Suarjana, Artawan, Widiana, Sukerta, Darmawan, Adnyana, Budiarta, Wirawan,
  Suardana, Mertayasa, Sudiarta, Gunawan, Parwata, Sukadana, Suwena, Astawa, Arsana, Widnyana, Suparta, Sutama,
  Wardana, Mahendra, Suryawan, Dharma, Sukarta, Suardika, Mudana, Sumerta, Darma, Ardana, Antara, Budiasa,
  Sudana, Suweta, Kariasa, Swastika, Wiradana, Gunadi, Merta`);
const baliFemale = list(`Sriasih, Suartini, Wahyuni, Sukarmi, Ariani, Astiti, Puspawati, Sudiani, Widiantari,
  Yuliantari, Suryani, Sukerti, Sumiarti, Darmini, Kariasih, Mertasari, Sutarini, Wiratni, Suarni, Nopiyanti,
  Purnamasari, Sukarini, Suciati, Wartini, Rusmini, Suriani, Sekarini, Diantari, Sulastri, Sumertini, Arini,
  Astuti, Resmini, Sudarmi`);

// --- Arabic-derived (Muslim families across the archipelago) ------------------------
const arabMaleFirst = list(`Ahmad, Ali, Hasan, Husein, Ismail, Ibrahim, Yusuf, Umar, Usman, Hamzah, Hamid, Zainal,
  Syaiful, Saiful, Rahmat, Arif, Fauzi, Faisal, Ridwan, Imam, Ilham, Rizki, Fajar, Iskandar, Syarif, Zulkarnain,
  Khairul, Mukhlis, Anwar, Amir, Jafar, Taufik, Hidayat, Fadil, Salim, Idris, Harun, Sofyan, Lukman, Mahmud,
  Nasrullah, Amin, Rusdi, Syahrul, Rahman, Munir, Jamal, Basuki, Mustofa, Abu Bakar, Zakaria, Sulaiman, Yunus,
  Mansyur, Hendra, Irwan, Darwis, Syamsul, Nur Hidayat, Nur Cholis, Muslim, Badrun, Marzuki`);
const arabAbdul = list(`Rahman, Aziz, Karim, Hakim, Malik, Rahim, Latif, Gani, Majid, Wahab, Rasyid, Kadir, Halim,
  Jalil, Muis, Rozak, Somad, Hamid, Ghofur, Mutholib`);
const arabMaleSecond = list(`Hidayat, Hakim, Rahman, Syahputra, Maulana, Ramadhan, Fauzi, Firmansyah, Kurniawan,
  Saputra, Akbar, Rizal, Hamdani, Syarifuddin, Ridwan, Anwar, Ali, Hasibuan, Effendi, Nasution, Siregar, Ilyas,
  Arifin, Yusuf, Husein, Zakaria, Abdullah, Mahmud, Hasan, Iskandar`);
const arabFemaleFirst = list(`Fatimah, Aisyah, Zahra, Khairunnisa, Annisa, Nabila, Salsabila, Hafizah, Rahmah,
  Laila, Mariam, Halimah, Maimunah, Rukayah, Rohani, Zulfa, Nurlaila, Jamilah, Aminah, Nafisah, Saodah, Marfuah,
  Nurhayati, Nurjanah, Rahmawati, Zubaidah, Zainab, Nuraini, Hasanah, Khadijah, Masitoh, Munawaroh, Mardiyah,
  Sholihah, Hamidah, Rosidah, Syarifah, Umi Kalsum, Nurul Aini, Nurul Fadilah, Dewi, Yulia, Fitri, Rina`);
const arabFemaleSiti = list(`Aminah, Aisyah, Fatimah, Khadijah, Maryam, Rohmah, Nurjanah, Zubaidah, Halimah,
  Rahmawati, Zulaikha, Sarah, Zainab, Hajar, Nurhaliza, Masitah, Munawaroh, Romlah, Julaeha, Sholihah, Nurhasanah,
  Hamidah, Rukayah, Khotijah, Muslimah, Nurbaya, Marwah, Salamah, Hasanah, Komariah`);
const arabFemaleSecond = list(`Hasanah, Rahmawati, Nurhaliza, Fitriani, Aminah, Safitri, Lestari, Ramadhani,
  Azzahra, Husna, Hidayati, Rahmah, Sari, Yuliana, Kurniasih, Wardah`);

// --- Chinese-Indonesian -----------------------------------------------------------
const chineseMale = list(`Hendra, Hendrik, Budi, Andy, Steven, Kevin, Wilson, Felix, Jimmy, Rudy, Johan, Yohanes,
  Michael, Sugianto, Eddy, Sutanto, Hartanto, Jonny, Ricky, William, Vincent, Darwin, Suwandi, Haryono, Tommy,
  Ferry, Gunawan, Robert, Hengky, Liong, Alvin, Jason, Edwin, Sonny, Teddy, Hendy, Rudianto, Agus`);
const chineseFemale = list(`Susanti, Lili, Meiliana, Lenny, Yenny, Linda, Fenny, Cindy, Jessica, Veronica,
  Melisa, Angelina, Vivian, Lanny, Suryani, Widyawati, Lidya, Yuliana, Agustina, Herlina, Sherly, Stella, Natalia,
  Mellisa, Elisabeth, Megawati, Sandra, Lusiana, Erlina, Wenny, Lisa, Susan, Ling Ling, Mei Lan`);
const chineseSurname = list(`Wijaya, Tanoto, Halim, Gunawan, Santoso, Tanuwijaya, Salim, Kurniawan, Susanto,
  Hartono, Setiadi, Lim, Tan, Sutanto, Widjaja, Lukito, Limanto, Chandra, Sanjaya, Tanjaya, Tjahjadi, Hidayat,
  Wibisono, Winata, Kusuma, Setiawan, Hermawan, Lie, Gozali, Tjandra, Liman`);
const chineseClan = list('Tan, Lim, Lie, Ong, Ng, Go, Oei, Liem, Tjoa, The, Kwee, Tjia, Wong, Lo, Chong, Khoo, Teo');
const chineseMaleSyl = list('Ah, Kim, Hok, Bun, Seng, Kiat, Swie, Tjong, Hong, Liang, Hwa, Gwan, Sin, Tek, Beng, Kok, Tjin, Eng, Han, Lay');
const chineseFemaleSyl = list('Siu, Lan, Mei, Hua, Giok, Nio, Kim, Lian, Hoa, Ing, Tjoe, Ay, Yin, Fong, Lie, Tjoen, Hiang');

// --- Eastern Indonesia (NTT, Maluku, Sulawesi Utara, Papua, Dayak) -----------------
const easternMale = list(`Yohanes, Petrus, Paulus, Yosef, Markus, Fransiskus, Agustinus, Stefanus, Daniel, Yakob,
  Yulius, Aloysius, Benediktus, Dominikus, Kornelis, Marthen, Frans, Simon, Yunus, Melkianus, Oktovianus, Hendrik,
  Albertus, Gerardus, Yusuf, Mikael, Lukas, Matius, Herman, Abraham, Semuel, Elias, Obed, Nikolaus, Rafael`);
const easternFemale = list(`Maria, Magdalena, Yuliana, Agustina, Theresia, Elisabeth, Fransiska, Katarina,
  Veronika, Yosefina, Marthina, Debora, Yohana, Margaretha, Anastasia, Serlin, Kristina, Regina, Lusia, Sofia,
  Agnes, Bernadeta, Florida, Rosalina, Selvi, Yuliani, Ester, Naomi, Ribka, Sarlota`);
const easternSurname: Readonly<Record<string, readonly string[]>> = {
  nusa: list(`Manafe, Tefa, Kana, Ndun, Fanggidae, Bani, Mau, Seran, Nahak, Bria, Sole, Tukan, Kolo, Neno, Lake,
    Benu, Pah, Tallo, Messakh, Sabu, Riwu, Laga, Nenohai, Lado, Beda, Koten, Wutun`),
  minahasa: list(`Wenas, Lumentut, Rumondor, Pangemanan, Sondakh, Mandagi, Tumbelaka, Kaunang, Lengkong,
    Rondonuwu, Walangitan, Sumampouw, Tambuwun, Runtuwene, Mamahit, Kalalo, Pontoh, Wowor, Mewengkang, Tuerah`),
  maluku: list(`Pattiasina, Latupeirissa, Tuhumury, Leiwakabessy, Sahetapy, Matulessy, Pattinama, Tuanakotta,
    Wattimena, Latuconsina, Tomasoa, Manuputty, Sopacua, Lewerissa, Huwae, Rehatta, Pelupessy, Siahaya`),
  papua: list(`Wonda, Kogoya, Tabuni, Wenda, Yoman, Mote, Rumbiak, Wanggai, Kambu, Numberi, Rumaropen, Wakerkwa,
    Murib, Enumbi, Karubaba, Mandowen, Ayomi, Sawen, Gobai, Pigai, Douw`),
  dayak: list(`Ding, Lawai, Ajang, Usat, Juk, Anyie, Bilung, Ngau, Uvang, Lirung, Lahang`),
  toraja: list(`Pakiding, Palimbong, Rante, Tandirerung, Sampe, Pongtiku, Tangdililing, Pasolang, Limbong, Baan`),
};

// --- Modern names (born from the 1990s on, every group) ----------------------------
const modernMale = list(`Rizky, Aditya, Dimas, Fajar, Bayu, Andika, Arya, Raka, Rafi, Farel, Alif, Fikri, Reza,
  Rendi, Yoga, Ilham, Akbar, Bagas, Galang, Naufal, Zaki, Haikal, Daffa, Rafa, Alvin, Kevin, Satria, Fadhil, Azka,
  Rizal, Dafa, Rehan, Arkan, Gilang, Rangga, Dion, Aldi, Ferdi, Dika, Hafiz, Rayhan, Evan, Irfan, Teguh, Wahyu,
  Yusuf, Rizki, Bima, Putra`);
const modernMaleSecond = list(`Pratama, Saputra, Ramadhan, Firmansyah, Hidayat, Kurniawan, Nugraha, Maulana,
  Setiawan, Alfarizi, Putra, Prasetya, Wicaksono, Aditama, Syahputra, Permana, Ardiansyah, Wijaya, Santoso,
  Hakim, Fauzan, Rahman, Gunawan, Akbar, Mahendra, Prayoga, Aprilianto, Febrianto`);
const modernFemale = list(`Putri, Nabila, Aulia, Salsabila, Anisa, Dinda, Amelia, Citra, Aura, Keisha, Zahra,
  Cantika, Aqila, Nadia, Syifa, Tiara, Alya, Najwa, Kayla, Fitri, Intan, Rahma, Adinda, Nayla, Shafira, Zaskia,
  Anggun, Bunga, Vina, Dewi, Ayu, Sinta, Dina, Indah, Nur, Amanda, Laras, Sekar, Widya, Rara, Novi`);
const modernFemaleSecond = list(`Lestari, Rahmawati, Ramadhani, Safitri, Aprilia, Oktaviani, Permatasari,
  Anggraini, Maharani, Azzahra, Khairunnisa, Febriani, Nurhaliza, Amalia, Puspita, Putri, Wulandari, Pratiwi,
  Kurniasari, Handayani, Nuraini, Saputri, Damayanti, Sari, Rahayu, Fitriani, Utami`);
/** A second name after the birth month is a common habit (Septian, Oktaviani). */
const monthMale = list('Januar, Febrian, Maret, April, Mei, Juni, Julian, Agustian, Septian, Oktavian, Novian, Desta');
const monthFemale = list(`Januarti, Febriani, Maretha, Aprilia, Meilani, Juniarti, Julia, Agustina, Septiani,
  Oktaviani, Novianti, Desi`);

/** Full names so common that several people in one district share them (not duplicates). */
export const commonFemaleNames = list('Siti Aminah, Sri Wahyuni, Siti Fatimah, Sri Rahayu, Nur Hayati, Siti Khodijah');
export const commonMaleNames = list('Muhammad Rizki, Ahmad Fauzi, Agus Setiawan, Budi Santoso, Muhammad Ali');

// --- Region make-up -----------------------------------------------------------------
type Mix = readonly (readonly [Ethnicity, number])[];
const provinceMix: Readonly<Record<string, Mix>> = {
  '11': [['arabic', 90], ['javanese', 8], ['batak', 2]],
  '12': [['batak', 42], ['javanese', 30], ['arabic', 12], ['chinese', 10], ['minang', 6]],
  '13': [['minang', 88], ['javanese', 4], ['batak', 4], ['arabic', 2], ['chinese', 2]],
  '14': [['arabic', 40], ['javanese', 25], ['minang', 15], ['batak', 12], ['chinese', 5], ['bugis', 3]],
  '15': [['arabic', 45], ['javanese', 30], ['minang', 10], ['batak', 5], ['chinese', 5], ['bugis', 5]],
  '16': [['arabic', 60], ['javanese', 30], ['sundanese', 3], ['chinese', 4], ['minang', 3]],
  '17': [['arabic', 55], ['javanese', 30], ['minang', 10], ['sundanese', 5]],
  '18': [['javanese', 60], ['arabic', 20], ['sundanese', 12], ['balinese', 3], ['minang', 3], ['chinese', 2]],
  '19': [['arabic', 60], ['chinese', 30], ['javanese', 10]],
  '21': [['arabic', 35], ['javanese', 25], ['chinese', 12], ['batak', 12], ['minang', 10], ['bugis', 6]],
  '31': [['javanese', 35], ['arabic', 28], ['sundanese', 15], ['chinese', 7], ['batak', 5], ['minang', 5], ['bugis', 2], ['eastern', 3]],
  '32': [['sundanese', 75], ['javanese', 12], ['arabic', 8], ['chinese', 2], ['batak', 2], ['minang', 1]],
  '33': [['javanese', 93], ['arabic', 4], ['chinese', 2], ['sundanese', 1]],
  '34': [['javanese', 95], ['arabic', 3], ['chinese', 2]],
  '35': [['javanese', 82], ['arabic', 14], ['chinese', 3], ['balinese', 1]],
  '36': [['sundanese', 50], ['javanese', 20], ['arabic', 25], ['chinese', 3], ['batak', 2]],
  '51': [['balinese', 86], ['javanese', 8], ['arabic', 3], ['chinese', 1], ['eastern', 2]],
  '52': [['arabic', 85], ['balinese', 5], ['javanese', 5], ['bugis', 5]],
  '53': [['eastern', 90], ['arabic', 6], ['bugis', 4]],
  '61': [['arabic', 45], ['eastern', 20], ['chinese', 20], ['javanese', 10], ['bugis', 5]],
  '62': [['arabic', 45], ['javanese', 25], ['eastern', 20], ['bugis', 5], ['chinese', 5]],
  '63': [['arabic', 75], ['javanese', 18], ['bugis', 4], ['chinese', 3]],
  '64': [['javanese', 30], ['bugis', 30], ['arabic', 25], ['eastern', 10], ['chinese', 5]],
  '65': [['bugis', 30], ['arabic', 30], ['eastern', 25], ['javanese', 15]],
  '71': [['eastern', 80], ['arabic', 12], ['chinese', 5], ['bugis', 3]],
  '72': [['arabic', 40], ['bugis', 30], ['eastern', 20], ['javanese', 7], ['balinese', 3]],
  '73': [['bugis', 80], ['arabic', 10], ['eastern', 5], ['javanese', 3], ['chinese', 2]],
  '74': [['arabic', 45], ['bugis', 40], ['javanese', 10], ['eastern', 5]],
  '75': [['arabic', 90], ['bugis', 5], ['javanese', 5]],
  '76': [['bugis', 70], ['arabic', 25], ['eastern', 5]],
  '81': [['eastern', 55], ['arabic', 40], ['bugis', 5]],
  '82': [['arabic', 70], ['eastern', 25], ['bugis', 5]],
};
const papuaMix: Mix = [['eastern', 75], ['javanese', 10], ['bugis', 8], ['arabic', 7]];
const otherMix: Mix = [['arabic', 50], ['javanese', 35], ['sundanese', 5], ['bugis', 5], ['chinese', 5]];

function mixFor(provinceCode: string): Mix {
  return provinceMix[provinceCode] ?? (provinceCode >= '91' ? papuaMix : otherMix);
}

/** Ethnic group of a family head living in the province (cities are more mixed). */
export function pickEthnicity(rng: Random, provinceCode: string, isUrban: boolean): Ethnicity {
  const mix = mixFor(provinceCode);
  // In cities the majority group's weight is damped, so migrants and Chinese-Indonesians show up more.
  const top = mix[0]![0];
  return rng.choose(mix.map(([e, w]) => [e, isUrban && e === top ? w * 0.75 : isUrban && e === 'chinese' ? w * 1.6 : w, 0] as const));
}

/** Provinces a migrant of the group most likely came from ([] = anywhere nearby). */
export function homelandProvinces(e: Ethnicity): readonly string[] {
  switch (e) {
    case 'javanese': return ['33', '34', '35'];
    case 'sundanese': return ['32'];
    case 'batak': return ['12'];
    case 'minang': return ['13'];
    case 'bugis': return ['73'];
    case 'balinese': return ['51'];
    case 'chinese': return ['12', '31', '61', '19'];
    case 'eastern': return ['53', '71', '81'];
    case 'arabic': return [];
  }
}

/** Religion drives name pools, livestock (no pigs in Muslim households) and titles (Hj.). */
export function isMuslimFamily(rng: Random, e: Ethnicity, marga: string | undefined): boolean {
  switch (e) {
    case 'batak': return marga !== undefined && margaMuslim.includes(marga);
    case 'balinese': return false;
    case 'chinese': return rng.chance(0.05);
    case 'eastern': return rng.chance(0.12);
    case 'javanese': return rng.chance(0.95);
    default: return true;
  }
}

/** Surname for groups that carry one: Batak marga, Chinese family name, eastern clan. */
export function pickSurname(rng: Random, e: Ethnicity, provinceCode: string, muslim: boolean, avoid?: string): string | undefined {
  let pool: readonly string[] | undefined;
  if (e === 'batak') pool = muslim ? margaMuslim : margaChristian;
  else if (e === 'chinese') pool = rng.chance(0.65) ? chineseSurname : undefined;
  else if (e === 'eastern') pool = easternSurname[easternArea(provinceCode)];
  if (!pool) return undefined;
  for (let i = 0; i < 6; i++) {
    const s = rng.pickSkewed(pool);
    if (s !== avoid) return s;
  }
  return pool.find((s) => s !== avoid);
}

function easternArea(provinceCode: string): string {
  if (provinceCode === '71') return 'minahasa';
  if (provinceCode === '81' || provinceCode === '82') return 'maluku';
  if (provinceCode >= '91') return 'papua';
  if (provinceCode.startsWith('6')) return 'dayak';
  if (provinceCode === '73' || provinceCode === '76') return 'toraja';
  return 'nusa';
}

export function pickBalineseCaste(rng: Random): BalineseCaste {
  return rng.choose([['sudra', 88, 0], ['brahmana', 4, 0], ['ksatria', 5, 0], ['anak_agung', 3, 0]] as const);
}

export interface NameRequest {
  readonly ethnicity: Ethnicity;
  readonly sex: Sex;
  readonly birthYear: number;
  readonly birthMonth: number;
  readonly isMuslim: boolean;
  /** Batak marga, Chinese family name or eastern clan name to carry, if any. */
  readonly surname?: string | undefined;
  /** Balinese birth order, 1-based (children who left home still count). */
  readonly birthOrder?: number | undefined;
  readonly caste?: BalineseCaste | undefined;
}

/** Chance that someone born in this year has a name from the shared modern pool. */
function modernShare(birthYear: number): number {
  if (birthYear >= 2005) return 0.7;
  if (birthYear >= 1995) return 0.5;
  if (birthYear >= 1985) return 0.2;
  return 0.04;
}

function modernName(rng: Random, req: NameRequest): string[] {
  const male = req.sex === 'L';
  const out: string[] = [];
  if (req.isMuslim && male && rng.chance(0.18)) out.push('Muhammad');
  else if (req.isMuslim && !male && rng.chance(0.06)) out.push(rng.pick(['Siti', 'Nur']));
  out.push(rng.pickSkewed(male ? modernMale : modernFemale));
  const r = rng.next();
  if (r < 0.08) out.push((male ? monthMale : monthFemale)[req.birthMonth - 1]!);
  else if (r < 0.75) out.push(rng.pickSkewed(male ? modernMaleSecond : modernFemaleSecond));
  else if (r < 0.85) out.push(rng.pickSkewed(male ? modernMale : modernFemale));
  return dedupeWords(out);
}

function dedupeWords(words: string[]): string[] {
  return words.filter((w, i) => words.indexOf(w) === i);
}

function arabicName(rng: Random, sex: Sex): string[] {
  if (sex === 'L') {
    const r = rng.next();
    if (r < 0.22) {
      const prefix = rng.choose([['Muhammad', 70, 0], ['Mohammad', 15, 0], ['Muhamad', 10, 0], ['Mohamad', 5, 0]] as const);
      return dedupeWords([prefix, rng.pickSkewed(arabMaleFirst), ...(rng.chance(0.3) ? [rng.pickSkewed(arabMaleSecond)] : [])]);
    }
    if (r < 0.34) return ['Abdul', rng.pickSkewed(arabAbdul)];
    return dedupeWords([rng.pickSkewed(arabMaleFirst), ...(rng.chance(0.6) ? [rng.pickSkewed(arabMaleSecond)] : [])]);
  }
  const r = rng.next();
  if (r < 0.28) return ['Siti', rng.pickSkewed(arabFemaleSiti)];
  if (r < 0.36) return ['Nur', rng.pickSkewed(arabFemaleSiti)];
  return dedupeWords([rng.pickSkewed(arabFemaleFirst), ...(rng.chance(0.35) ? [rng.pickSkewed(arabFemaleSecond)] : [])]);
}

function javaneseName(rng: Random, req: NameRequest): string[] {
  const old = req.birthYear < 1970;
  if (req.isMuslim && rng.chance(0.12)) return arabicName(rng, req.sex);
  if (req.sex === 'L') {
    if (rng.chance(old ? 0.65 : 0.3)) return [rng.pickSkewed(javaMaleSingle)];
    const first = rng.pickSkewed(javaMaleFirst);
    return dedupeWords([first, rng.pickSkewed(javaMaleSecond)]);
  }
  if (rng.chance(old ? 0.6 : 0.3)) return [rng.pickSkewed(javaFemaleSingle)];
  let first = rng.pickSkewed(javaFemaleFirst);
  if (first === 'Budi') first = 'Sri'; // "Budi" alone reads as a man's name
  return dedupeWords([first, rng.pickSkewed(javaFemaleSecond)]);
}

function sundaneseName(rng: Random, req: NameRequest): string[] {
  if (rng.chance(0.1)) return arabicName(rng, req.sex);
  if (req.sex === 'L') {
    if (rng.chance(0.35)) return [rng.pickSkewed(sundaMaleSecond)];
    return dedupeWords([rng.pickSkewed(sundaMaleFirst), rng.pickSkewed(sundaMaleSecond)]);
  }
  if (rng.chance(0.35)) return [rng.pickSkewed(sundaFemaleSecond)];
  return dedupeWords([rng.pickSkewed(sundaFemaleFirst), rng.pickSkewed(sundaFemaleSecond)]);
}

function batakGiven(rng: Random, req: NameRequest): string[] {
  if (rng.chance(modernShare(req.birthYear))) {
    const m = modernName(rng, req);
    return m.slice(0, 1 + (rng.chance(0.4) ? 1 : 0));
  }
  if (req.isMuslim) return arabicName(rng, req.sex).slice(0, 2);
  return [rng.pickSkewed(req.sex === 'L' ? batakMaleChr : batakFemaleChr)];
}

function minangName(rng: Random, req: NameRequest): string[] {
  if (rng.chance(0.2)) return arabicName(rng, req.sex);
  if (req.sex === 'L') {
    return dedupeWords([rng.pickSkewed(minangMale), ...(rng.chance(0.4) ? [rng.pickSkewed(minangMaleSecond)] : [])]);
  }
  return dedupeWords([rng.pickSkewed(minangFemale), ...(rng.chance(0.4) ? [rng.pickSkewed(minangFemaleSecond)] : [])]);
}

function bugisName(rng: Random, req: NameRequest): string[] {
  const out: string[] = [];
  if (rng.chance(0.1)) out.push('Andi'); // nobility title, both sexes
  if (req.sex === 'L') {
    if (rng.chance(0.15)) out.push('Muhammad');
    out.push(rng.pickSkewed(bugisMale));
    if (rng.chance(0.45)) out.push(rng.pickSkewed(bugisMaleSecond));
  } else {
    if (rng.chance(0.18)) out.push('Sitti', rng.pickSkewed(arabFemaleSiti));
    else {
      out.push(rng.pickSkewed(bugisFemale));
      if (rng.chance(0.3)) out.push(rng.pickSkewed(bugisFemaleSecond));
    }
  }
  return dedupeWords(out);
}

function balineseName(rng: Random, req: NameRequest): string[] {
  const male = req.sex === 'L';
  const order = (((req.birthOrder ?? rng.int(1, 4)) - 1) % 4) + 1;
  const out: string[] = [];
  const caste = req.caste ?? 'sudra';
  let withOrder = true;
  if (caste === 'brahmana') { out.push(...(male ? ['Ida', 'Bagus'] : ['Ida', 'Ayu'])); withOrder = rng.chance(0.5); }
  else if (caste === 'ksatria') { out.push(...(male ? ['I', 'Gusti', 'Ngurah'] : ['I', 'Gusti', 'Ayu'])); withOrder = rng.chance(0.5); }
  else if (caste === 'anak_agung') { out.push(...(male ? ['Anak', 'Agung', 'Gede'] : ['Anak', 'Agung', 'Ayu'])); withOrder = rng.chance(0.4); }
  else {
    out.push(male ? 'I' : 'Ni');
    if (!male && rng.chance(0.2)) out.push('Luh');
  }
  if (withOrder) {
    let name = rng.pick(baliOrder[order - 1]!);
    if (name === 'Gede' && !male) name = 'Putu';
    if (!(name === 'Gede' && out.includes('Gede'))) out.push(name);
  }
  if (!male && rng.chance(0.3)) out.push('Ayu');
  if (rng.chance(modernShare(req.birthYear) * 0.6)) out.push(rng.pickSkewed(male ? modernMale : modernFemale));
  out.push(rng.pickSkewed(male ? baliMale : baliFemale));
  return dedupeWords(out);
}

function chineseName(rng: Random, req: NameRequest): string[] {
  const male = req.sex === 'L';
  if (req.birthYear < 1968 && rng.chance(0.4)) {
    const syl = male ? chineseMaleSyl : chineseFemaleSyl;
    const a = rng.pickSkewed(syl);
    let b = rng.pickSkewed(syl);
    if (b === a) b = rng.pick(syl);
    return [req.surname && chineseClan.includes(req.surname) ? req.surname : rng.pickSkewed(chineseClan), a, b];
  }
  const given = rng.chance(modernShare(req.birthYear) * 0.5)
    ? rng.pickSkewed(male ? modernMale : modernFemale)
    : rng.pickSkewed(male ? chineseMale : chineseFemale);
  const words = [given];
  if (req.surname) words.push(req.surname);
  else if (rng.chance(0.3)) words.push(rng.pickSkewed(chineseSurname));
  return dedupeWords(words.join(' ').split(' '));
}

function easternName(rng: Random, req: NameRequest): string[] {
  const male = req.sex === 'L';
  const words: string[] = req.isMuslim
    ? arabicName(rng, req.sex).slice(0, 2)
    : [rng.pickSkewed(male ? easternMale : easternFemale)];
  if (!req.isMuslim && rng.chance(0.3)) words.push(rng.pickSkewed(male ? easternMale : easternFemale));
  if (req.surname) words.push(req.surname);
  return dedupeWords(words);
}

/**
 * A full name in Title Case, letters and spaces only.
 * @example personName(rng, { ethnicity: 'balinese', sex: 'P', birthYear: 1990, birthMonth: 4, isMuslim: false, birthOrder: 2 })
 * // 'Ni Made Sukarmi'
 */
export function personName(rng: Random, req: NameRequest): string {
  let words: string[];
  const modern = rng.chance(modernShare(req.birthYear));
  switch (req.ethnicity) {
    case 'batak':
      words = [...batakGiven(rng, req), ...(req.sex === 'P' && req.surname && !req.isMuslim && rng.chance(0.25) ? ['Br'] : []), ...(req.surname ? [req.surname] : [])];
      break;
    case 'balinese': words = balineseName(rng, req); break;
    case 'chinese': words = chineseName(rng, req); break;
    case 'eastern':
      words = modern && !req.isMuslim
        ? [...modernName(rng, req).slice(0, 1), ...(req.surname ? [req.surname] : [])]
        : easternName(rng, req);
      break;
    default:
      if (modern) words = modernName(rng, req);
      else if (req.ethnicity === 'javanese') words = javaneseName(rng, req);
      else if (req.ethnicity === 'sundanese') words = sundaneseName(rng, req);
      else if (req.ethnicity === 'minang') words = minangName(rng, req);
      else if (req.ethnicity === 'bugis') words = bugisName(rng, req);
      else words = arabicName(rng, req.sex);
  }
  let name = dedupeWords(words).join(' ');
  // Older Javanese and Sundanese names are often still written in the pre-1972 spelling.
  if ((req.ethnicity === 'javanese' || req.ethnicity === 'sundanese') && req.birthYear < 1965 && rng.chance(0.3)) {
    name = toOldSpelling(name);
  }
  return name;
}

const toOld: Readonly<Record<string, string>> = { u: 'oe', j: 'dj', y: 'j', c: 'tj', U: 'Oe', J: 'Dj', Y: 'J', C: 'Tj' };

/**
 * Pre-1972 (Van Ophuijsen/Soewandi) spelling: u → oe, j → dj, y → j, c → tj, kh → ch, sy → sj.
 * @example toOldSpelling('Suparman Cahyono') // 'Soeparman Tjahjono'
 */
export function toOldSpelling(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    const next = name[i + 1];
    if ((ch === 'k' || ch === 'K') && next === 'h') { out += ch === 'k' ? 'ch' : 'Ch'; i++; continue; }
    if ((ch === 's' || ch === 'S') && next === 'y') { out += `${ch}j`; i++; continue; }
    if ((ch === 'n' || ch === 'N') && next === 'y') { out += `${ch}j`; i++; continue; }
    out += toOld[ch] ?? ch;
  }
  return out;
}

/**
 * Current spelling of an old-spelling name: oe → u, dj → j, tj → c, j → y, ch → kh, sj → sy.
 * @example toNewSpelling('Soedjono') // 'Sujono'
 */
export function toNewSpelling(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    const next = name[i + 1];
    const lower = ch.toLowerCase();
    const upper = ch !== lower;
    if (lower === 'o' && next === 'e') { out += upper ? 'U' : 'u'; i++; continue; }
    if (lower === 'd' && next === 'j') { out += upper ? 'J' : 'j'; i++; continue; }
    if (lower === 't' && next === 'j') { out += upper ? 'C' : 'c'; i++; continue; }
    if (lower === 'c' && next === 'h') { out += upper ? 'Kh' : 'kh'; i++; continue; }
    if ((lower === 's' || lower === 'n') && next === 'j') { out += `${ch}y`; i++; continue; }
    if (lower === 'j') { out += upper ? 'Y' : 'y'; continue; }
    out += ch;
  }
  return out;
}
