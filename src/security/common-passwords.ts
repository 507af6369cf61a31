/**
 * Passwords and base words too common to allow, lower-case. The policy check
 * compares a candidate case-insensitively, and also after stripping leading and
 * trailing digits/symbols and undoing simple l33t substitutions, so `Bismillah123!`
 * and `P@ssw0rd` match `bismillah` and `password`.
 *
 * Sources: the usual global top lists, plus Indonesian words that show up in
 * leaked-password lists (religious phrases, terms of endearment, cities, football
 * clubs) and words an operator of this system would reach for (kemensos, dinsos,
 * bansos, pkh…). Hand-written; extend freely, keep entries lower-case and unique.
 */
const WORDS = `
123456 1234567 12345678 123456789 1234567890 0123456789 12345 1234 123123 123321
654321 987654321 111111 1111111 11111111 000000 0000000 00000000 121212 112233
123123123 666666 777777 7777777 888888 999999 555555 159753 147258369 789456123
password passw0rd password1 pass pass123 passwort wachtwoord motdepasse
qwerty qwerty123 qwertyuiop qwertyui asdfgh asdfghjkl asdf zxcvbn zxcvbnm
1qaz2wsx qazwsx qweasd qweasdzxc 1q2w3e4r 1q2w3e4r5t q1w2e3r4 abc123 abcdef
abcd1234 a1b2c3 aaaaaa iloveyou letmein welcome welcome1 monkey dragon master
shadow sunshine princess football baseball soccer hockey superman batman
michael jordan jennifer charlie trustno1 starwars freedom whatever secret
hello hello123 login admin admin123 administrator root toor guest user
test test123 testing demo default changeme changeit temp temporary
access letmein1 computer internet samsung iphone android google facebook
instagram whatsapp tiktok youtube twitter mustang harley ranger killer
football1 blink182 pokemon naruto doraemon spiderman ironman avengers
love lovely loveyou lover angel angels baby babygirl beautiful butterfly
flower summer winter autumn spring chocolate cookie cheese banana orange
apple pepper ginger maggie buster tigger jessica ashley nicole amanda
matrix hunter thunder silver golden diamond money rich lucky happy
family friends forever jesus christ god allah
rahasia rahasiaku rahasiadong rahasianegara sangatrahasia katasandi
sandi kuncirahasia kunci masuk silakanmasuk bukakunci akses gantisandi
gantipassword passwordku sandiku kodeku pinku nomorku
bismillah bismillahirrahmanirrahim alhamdulillah subhanallah masyaallah
mashaallah insyaallah inshaallah astaghfirullah allahuakbar allahu
lailahaillallah assalamualaikum assalamualaikumwrwb amin aamiin amiin
barakallah muhammad muhammadsaw rasulullah nabi islam muslim muslimah
alquran quran ramadhan ramadan lebaran idulfitri sholat solat sedekah
tuhan tuhanyesus yesus yesuskristus haleluya amen gereja kristen katolik
sayang sayangku sayangkamu sayangmu sayangmama sayangibu sayangayah
cinta cintaku cintamu cintakamu cintaabadi cintasejati cintamati
akucintakamu akusayangkamu iloveu iluvu kasih kasihku kekasih pacar pacarku
rindu rindukamu kangen manis manisku cantik cantikku ganteng gantengku
imut lucu bidadari pangeran putri ratu raja permaisuri
mama mamah mamaku mamaa papa papah papaku ibu ibuku ayah ayahku bunda
bundaku abah umi abi emak bapak bapakku anak anakku anakku1 keluarga
keluargaku suami suamiku istri istriku adik adikku kakak kakakku nenek kakek
indonesia indonesiaraya indonesiajaya republikindonesia nkri merdeka
merdeka45 dirgahayu proklamasi pancasila garuda garudaku garudapancasila
bhinneka bhinnekatunggalika merahputih sangsakamerahputih nusantara
jakarta jakartaselatan jakartabarat jakartatimur jakartautara jakartapusat
bandung surabaya semarang yogyakarta jogja jogjakarta yogya solo surakarta
malang medan makassar palembang bekasi depok bogor tangerang tangsel
denpasar bali lombok batam pekanbaru padang pontianak banjarmasin samarinda
balikpapan manado kupang ambon jayapura aceh bandaaceh lampung jambi
bengkulu cirebon tasikmalaya sukabumi cianjur karawang purwakarta garut
kediri madiun jember banyuwangi probolinggo pasuruan sidoarjo gresik
jawa jawabarat jawatengah jawatimur sumatera sumatra kalimantan sulawesi
papua maluku sunda jawir betawi
persib persibbandung persija persijajakarta persebaya arema aremania
bonek jakmania viking bobotoh slemania pssi timnas timnasindonesia
garudamuda psm persipura barito
kemensos kemensosri dinsos dinassosial dinsoskab dinsoskota bansos
bantuansosial pkh bpnt sembako blt bltdd dtks dtsen siksng siks tepat
kemendagri dukcapil disdukcapil kemenkes bpjs bpjskesehatan kis kip kks
bappenas bps pemda pemkab pemkot pemprov kabupaten kecamatan kelurahan
desa desaku kampung kampungku operator operatordesa pendamping
pendampingpkh petugas pegawai asn pns honorer kantor kantorku
dinas kepaladesa kades lurah camat bupati walikota gubernur presiden
jokowi prabowo gibran soekarno suharto habibie megawati
bri bni mandiri bsi btn bca posindonesia kantorpos
admindesa adminkab admindinsos superadmin superuser sysadmin
selamat selamatdatang selamatpagi semangat semangat45 sukses suksesselalu
berkah barokah amanah ikhlas sabar syukur bahagia ceria senyum senyuman
sehat sehatselalu damai tenang aman jaya jayaselalu menang juara
mawar melati anggrek kenanga matahari bulan bintang pelangi langit awan
laut lautan gunung hujan angin api air tanah bumi dunia
kucing kucingku kucingmanis anjing ayam bebek kelinci harimau macan singa
gajah burung elang rajawali kupukupu
nasigoreng indomie mieayam bakso sate rendang soto gado tempe tahu
kopi kopisusu tehmanis es cendol martabak
sekolah kampus kuliah mahasiswa siswa guru dosen belajar rajin pintar
pinter bodoh goblok bego malas
ganteng123 cantik123 sayang123 cinta123
hitam putih merah biru hijau kuning ungu pink
satu dua tiga empat lima enam tujuh delapan sembilan sepuluh
satuduatiga seratus seribu sejuta
komputer laptop handphone hp internetan wifi sinyal pulsa kuota
motor mobil honda yamaha suzuki kawasaki toyota
`;

/** Lower-case set of forbidden passwords and base words. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter((w) => w.length > 0));
