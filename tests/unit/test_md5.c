/*
 * test_md5.c: MD5 (lib/md5.c) on RFC 1321's test suite (its appendix
 * A.5), on every length 0..300 of a fixed pseudo-random buffer against
 * digests from python3's hashlib, however the message is cut into
 * updates, with byte counts past 2^32 (the padding's 64-bit bit count),
 * and pxr_md5_file on files of a few sizes, its progress and its errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "md5.h"
#include "unit.h"

#define MAXLEN 300

#define EXPECT_STR_EQ(a, b)                                                    \
	UNIT_CHECK(strcmp((a), (b)) == 0, "%s != %s (a=\"%s\", b=\"%s\")", #a, \
	    #b, (a), (b))

/*
 * The digest of buf[0..n) for n = 0..MAXLEN, buf as fill_buf makes it,
 * written by (python3 3.11, Debian 12):
 *
 *	python3 -c 'import hashlib
 *	x = 1; b = bytearray()
 *	for i in range(300):
 *	    x = (x * 1103515245 + 12345) % 2**32; b.append(x >> 24)
 *	for n in range(301): print("\t\"%s\"," %
 *hashlib.md5(b[:n]).hexdigest())'
 */
static const char *const want_len[MAXLEN + 1] = {
	"d41d8cd98f00b204e9800998ecf8427e",
	"7fc56270e7a70fa81a5935b72eacbe29",
	"148c81e26185f1c880c207ee02b843d5",
	"396d5362904fae87a89b6520fa43b900",
	"e02dcec648c7416ba79d83de4f73bd48",
	"bb96f9aa4c4b81bda9f691a88f0d8145",
	"5d8cc18c5c8327ff6a5b4d7fb9ae7016",
	"26d992f6013194942407aef5e48d3eef",
	"cb90ed8a19ebf5488b8d30b83fd83ad6",
	"2d2a027f5d0c04d43ce3f5e058e48ab0",
	"a2b974ab22504aea4970ea6a6e8a08e6",
	"38580690453dbdaf3e286f9b7daa69fe",
	"0462f0d76ea18d9c4d5a93bbd3b2b591",
	"30e14fc716ba1bbc151bcb5659ab7298",
	"6f2334a0ea0206d831ff45c1ac4565b9",
	"dc3d8d2c85689f98f2921ece38e86c86",
	"d01dbedd73e690bbe452e4435219ab67",
	"a8388f3fee08ac8ddd12b0a0ea52932c",
	"9eff269a4b4f5cb092b5d9949315a107",
	"cd9d85566b8c8a16d879fcfafe2f7b86",
	"dca1c1a387789de97fba9e5078f2592f",
	"3f524b0ba3678099ae12daa40e80c1e7",
	"fd9be94b994ca86f234a7c83b149a373",
	"0a9ccecf59b2cdb3770336d6487a84d0",
	"10b58db3196fa96fe9f516ce65f83649",
	"8424bb20d04d8046ea87abdb9de01d91",
	"6c686049b55c749cbbe373a6f94cd70a",
	"34d093b146e16f24755c8240ae3571cf",
	"8f601b52d36e9841615cc8c9b4be9bc7",
	"2a414270554a95a4c844943478e31118",
	"01801ba774ef616ce1533a865677b50d",
	"d14e76376b0844b4363365d623fd5e3e",
	"3d28f881b10c2dfe942f2156b337aa3a",
	"8b176ec412ec46b4041c281fcad5fa14",
	"09c1d87ce4d47e45e1e36fe3244141aa",
	"0c01df8fb83eed690c12db9830878aaf",
	"eddbcdcf1ede010a3acee40b674a2a35",
	"d3975287c9783d9fcf84a57ca4caedc5",
	"83e4c8b3d94a435e830b8cbc017c15fc",
	"bcd36d2b7d78e4bb0064f955282b5b9a",
	"160a4993d5f3dcb3c52fd8d4e7dd0f2e",
	"757ca46aef4381d851ee96a2fba2f2ef",
	"e5f31eee60735fed2f6e996fc436aade",
	"54809dc4dd747036819c82700642ec99",
	"f6814404d00fc75ff379d237d4da3962",
	"c47bd94110a97625153d1d95bbc3fced",
	"49001963da116fc0e9cef2b1188899f1",
	"a9d71997052828f4cc855c0554ccfb3d",
	"a5af5057a99a3065c5381910fe5b0257",
	"267762f487d493bd977d488ad0f0c270",
	"6947dbea9a93ec987068eaa3723e8c26",
	"301677fcee2809271227b93341cad936",
	"7c26d830df72ff9eddf6253517a60793",
	"854f725159dcc56aabf327e5c8d1a30a",
	"3919b2802b84b8341fb0a5acde0dacf8",
	"0aff096c608026ada3cb1a2f96bfbdc6",
	"7857c6c468d6bbb41ef621c9bcfd5843",
	"fc990a839968d57afa91822869ade2d0",
	"2ea08c7550d2ded9d9b9972017931527",
	"f01a79305498daeee43e142505a755b9",
	"64749fd043f0fd0c83bbcc8631fe9b67",
	"c67b9b346f7edb01963fd6619b90704e",
	"26866d11db4d67deb9791fc7fcc1a8fb",
	"d925e709a57c0a5e246687bfc178d9f4",
	"8ca27787c29fba65385c14adb3c90e04",
	"1e203feb87d73aee59103b6bdf2d55a8",
	"ebe966081831c6fc430c24e6e38b577b",
	"f99e97a131a8579018eb2711075cc61f",
	"23f859b9d2a75e6e7b24e15649c926be",
	"52b529f9c1bf6725541709c8d57b67a7",
	"682a8a1decaf222015233000c4cafa5f",
	"5f0166bc4e9dcd1a3cf631aba58282e7",
	"9fd986e77dd2e5da24ab4ae21040dfb7",
	"e1a58a24b19131a9f11033a21de6174a",
	"4be17d25fe3716b1941a48649e22042d",
	"1fe909671d15813cd9b14e6259b886eb",
	"964b1e094afc20d71f629d8106974b1a",
	"61c277bf039ab50137a8f779be3e7da8",
	"10b473f8f9d4614c0a6db26f2d0462aa",
	"bd1a5d45070330fe103cf6e3d821ebf9",
	"c8f6f3ff92946f277112e3668e1188cf",
	"27bc0c562ccce82c928cf1cca91ec11a",
	"772554137ca343e22fd156ca3055fd23",
	"5c7275cb810c7b2ea040520246077bdb",
	"19b2915b389d35ca8ef0892bf8c7de3a",
	"65712f77583c6a3c90fce84d09ab0072",
	"3a5643ec5b74b702f4e27f0fc464c8a1",
	"8b0e3a681c5004b680ed73774cb642cf",
	"9ac0917cd39b9299b7bc55fc6acf2e01",
	"be46513877f4312407438a3091f69e75",
	"d16b6b6c38925fcea5517de426204715",
	"290a711423143fe90c099492cb4f98d0",
	"e9202625edfea53705310e8dc9d79156",
	"dd80138a35d372379bc291013ed05a4d",
	"e9f34bb626350413f570199e6f9b67ce",
	"c96598edf4555878c414dafac09b5fe5",
	"53c2691fcb5b2c316492f1300e67b7fe",
	"ccdd27c441811ebee00c505ba995c0ba",
	"1328e80073f5a1b03cdc924956f252b8",
	"610a9443a0153ecda9a9d4d73e192545",
	"ce97d1761a1ebe9b4a6666740c7ee40b",
	"a06a1eb06d5f1139b75ef82a1afc47fa",
	"ad6b0632d85a5e9426952f47a19b4ff2",
	"eed0a8fb8c8b9f159a5d39b7ae054e97",
	"a38b0ad68a0d4fe42dc3a708f622123a",
	"6bece2e9a1974d030b50da73e0c89580",
	"1ae641b1db53d00ce85fb913a7d6d72b",
	"d72f3da9d018b3d6700eaabef4d6fe5f",
	"9686460cfafc2983074963d12de7a429",
	"f8c378da53e59f6f6ea6658166077279",
	"35d1b0405f4af7732b42fa9a69d13611",
	"9a1832214b19a4f9c50beee15344c8db",
	"2c5eb2652712a5e473cb92b41463bf3d",
	"fd97c25ba55f4f27e33da24c3bb64da4",
	"1cd51c08a7134742679a5f987f761f66",
	"0fc834af7dc1cc00ab10944cb7c78d3d",
	"dd30f8fca3804f5c8863393671977478",
	"8c934bf5173cc71a96140d27ccd5f62b",
	"55751aabf43427311d062828366276ad",
	"125bf3434acb371666ca2ce85d11f123",
	"48ddf667060d6486e04ad33cee9b1666",
	"17f52a05a80eaa5c733ef90c47314c7b",
	"3941bbd392e974f912e77e2a08b94372",
	"718dba5176ebbc921a062563ab783e3e",
	"28dc47aafc01a88df750a55fbb9e81f8",
	"1cb05a80ccd225455cf6f9f02c56ba3b",
	"b3ce288f94ac586dd594a44c51aa257b",
	"585880092fb5ddd15db712dfa4a7b739",
	"686fe00039bced067a4c91699815da9f",
	"edbb76e9e5847c09781da9ee667b00b4",
	"6ca8198ef2c5359268f9fafcece51de6",
	"3aa88dc4b9a2118764cefd4f9df9b922",
	"83ac59d3fcdd30c87a514f0c521d52b0",
	"e789bd5833dff41e5fea57d1f5da0a2f",
	"e8ec837b70f0816a9c96fbe66c56ffc1",
	"384d66b73fcbc9bc58e5ea8a7a97930a",
	"89437f34caf4cd41eabb3c4fa5d2a5f4",
	"89420cab59a0dd3729470b9824a981c8",
	"307e10ef82e55d806eb048818afa4ab0",
	"63c5ea1a4b1baefeaf13917a35b97d36",
	"b1e8af6be58440720d40fb110a8a0b85",
	"7c3c0d679c407ab51ab325e9ce3095c2",
	"3285ce38862df1397d5de71f43a31950",
	"f1ba24207c232e523340cc6472fa3f29",
	"1260d43bd6c44e0c7384977ff9c89441",
	"a38aa52bfcfac46a29afaf8b46263622",
	"01c4765bbc1a6fabc2c48ff2adfecab2",
	"1117508eda1e94b99e95569569fd103a",
	"0a28671d6feda314197a4b1f60d0cfb6",
	"79cc8bfed7d641c8ebed276c7bd758d6",
	"dfdcc0ad699dad5eb9ef9a1e9c9716fc",
	"460f08df8d72e2581df5c172be27c30a",
	"38b350e7e3a45d381ff8aeed61db6d07",
	"265415c6aff05780748857c62f168f66",
	"bd84a4cd098acd6398fd65ef6742db5b",
	"d1f3c14ccfe780206ce08410b7a0779f",
	"c286ed7dbdcf9cec8773ceaac7915fed",
	"463943c10b7ba6a42e8ab4249b7b0123",
	"31e55b35b0c95056e9fa2c1843f05e83",
	"851247b352a1922397fa86da3a9abb31",
	"3d5cc09f6e8fb80c2398715bc4d3dd8b",
	"5de53cb58ba4eef04ea48aca02dd4b3d",
	"99bd09a71173c50a1ef42f76ef3e34ea",
	"cf1abaa5bce12a80f942573f7c2b3f82",
	"8ed33b18f6a05bbbb084d41d5e819841",
	"d9b3c7ff3b6205969bbafbb1afc559e0",
	"a1b6f5ec71a37fb38bd53a11926d294f",
	"59980aadfefa829f36ae53eed41f4311",
	"b74306d208f7bc62d4cd8c9ac82f9945",
	"7cfdc92bb7396ef905166d7acf6ec06a",
	"24a77206222fad65425dc9290ba7996f",
	"4040a1129f4f5e58d1d5d2a616737d77",
	"afe946aa17656d64d6b494aba1f94db5",
	"ea96ca58cc56a3266a830f15282cafb4",
	"e6396e740661fd10e2d8e4adbb01c26d",
	"89364281391c89512fb711c0b922ea08",
	"c7e2beee0166c67790f58230746bb9ae",
	"c5f70d550cad6ec99c60e07ed92a44f7",
	"b2e2de99ff08118bfb7fcc1b64a386b9",
	"b4859698ebaf9b42b5c2145ed8cd7749",
	"0688ae579ae0429c965ba03ce9aa477f",
	"d3d62659e360dbf5170f0a9fad55c1f4",
	"f75c039235d59b203ec54bde91320561",
	"0a5d2f95df96e03aa87220764fd28504",
	"ef3c33831643bffa827a87bce71e22e5",
	"f9bcef230d12d4b78031271a886d6b36",
	"f0c2c3dc51c9975a584c9a8a9364b73f",
	"394e4aef69c2cc1490c5bfc754b6fa86",
	"a0ddf8448b4c69f85f4ee6032a439d25",
	"cc8477e501e3f7bf82b41d4f731c3a5f",
	"4dc6600e1d58d078aa6ea1a5283ea3e4",
	"65fdd418f1637e25188df3f294cb9ade",
	"bc68ad595ce7b18a2164015941127977",
	"0be8e0c31c9347d4d68004dbd91902a3",
	"be63f520512b101c09d3f5a32ee48d94",
	"b3e5db27c525a899ea00059c4d105f47",
	"e37f9f9a622e8155c3100dafe5740046",
	"7f7a1103367d551889ba0b035c01fc82",
	"9042a7992160de727b1031d2ff6c5162",
	"af7ac4d48d337bf7883f47389e2773e4",
	"24fc3afb1ca0bbae1e4833734471eb3c",
	"1d8a8335b65941a50af75b0c2466bc27",
	"1ee83bc903e08fd68e53f3b57fc71318",
	"10096f6f5389d6ccbb65618104de8904",
	"2641a1eea37e935d23d569b0ba9094eb",
	"c5eb2babaadff8150f4265bb9afb5593",
	"3566d5eebf3fafd6d3f90b93a1669b8c",
	"c5f2b80dc7f9f0775ce6dd512bc5d610",
	"72fa869f224bba7cb20cc05fe12dc28d",
	"94e7989d6ba31ef125f0c908413cbb27",
	"3c887dffa8518434c12db266d86b8919",
	"26d4b2a14274a53fdcade0b224cb99cb",
	"005a3ed2b200a58def0e06679f8a09d6",
	"12e3ef2537b58bbf632e0baddca9bc24",
	"0a4bc8b1e25deb0e64473fdf48a930a5",
	"e99634d24bc397a4322f5c98922b0437",
	"c16419786ddbc4ea92b4c1ca332ced39",
	"3e89a4036416fc845ca7d3c923d4db7a",
	"c11e2c2a62d1cf247a7280bdce7e939a",
	"a22c932a932c4ff976bdf3af7e3b6a46",
	"678191bdb6cd5ac92e0d4e3e0ed4766d",
	"e345e2ef09db2a95cf5cf91e84cadd10",
	"d29fe671b59cc48242bb0d35cfc2ae85",
	"dc5c5ba70cb5a1cddd534e9c39e8304a",
	"fefce8896775442ec3debdb1c004e0a9",
	"ea6e993a37c4d2770cc1a2101e23bd51",
	"0fa8137c5ae18fe20fe00d53a49040f2",
	"f8e39ee1ab08d920602899f99e7c6029",
	"99cb929a58d3df96af276b96037176b9",
	"1a728e744ccb104722f67dad0a959cd8",
	"cb423eded1314d62515bed76c8e8fb49",
	"8448ced72daf034d5f05742980e6409c",
	"d5cc8101c05779606e58fe30567eff43",
	"643bfa7820ec31c87d31dacf61c09432",
	"cff8703d699a888dcf03aebc3f4743e4",
	"6018f38cb221f0919b46e55a2de59fd1",
	"2bf1cb0946fb1d41f5e77208f866bc13",
	"c313c667b426dda634d3c8f32dcb2dfa",
	"6f44046a98550ede10040bfc59211cc5",
	"7bf44cf3e5c208cb3133308a1a31fa7c",
	"06b02e3736bf93ea82acef1c9e8864a8",
	"935e2c683dde84662d726b462bc23f1f",
	"462cecda6fee4562add6e21aef00a936",
	"d0ca468fc7937e5c7b65f8e1089f05ae",
	"edc7b25c3e4ca87ef5fd5239469185a5",
	"8e417429444c78c0d49f7b55987a0f47",
	"b6d093323aa8e1ae8c31814a0ce93cf5",
	"c401d166bf3c6bbb4989386a5ee8b516",
	"bd3769eab778f4259793d8e94faa83f4",
	"02e4b183e38975e4e7b94a7d86a1c776",
	"835cc68b69952856dc72ed9af40498c3",
	"a2af5260393338837f66b7b1711d3fa3",
	"f13cceedfb89b1fc979f66fb58759131",
	"6c201c87909db04588e6ec508ebb8d01",
	"318e2fb6d8ef494ed5a07951115d42dd",
	"e91a68c27edd1060edb23f1f8ba7a4ce",
	"bacabbd15afa7058a20b4f3cf13def33",
	"0ad3cb182e101e617b4ca1fa89b8ebf7",
	"a819c4a53984bb4d7c94e9359345df97",
	"8d82f56b476a17a4429018d6e7af7e36",
	"4af48aad7758713ec4351472c8d4a5c0",
	"700cbedaceeb0feef5c0eebeb62900d3",
	"0134dd02b0d3d22aca5a15392d96037b",
	"b2555b2bc56b019081d8a29900395466",
	"2a9e5b61fec073a3d539ff76031208f2",
	"99e8b7084ea30d1afe0a7fd4e8c1fe71",
	"4a01e9d8d5169a6129a31e39214cf875",
	"ba970bab21b1b6d5f01c13d80542b37c",
	"02be99c68f099e25a5d52c7407858ed9",
	"d56c95d6838e8356da5debb490498eef",
	"6e19a860c66302b2c2d5b5c9fa2c6510",
	"5735a3939e1fda6ae84b559f87cc0c7b",
	"67ba9f1cfa395cd786e0f986037ed43a",
	"f8c507646bca79ac97a7e1ee39002b2a",
	"13f65d380c3607484b54ee33eabff14a",
	"b18c15fd1c55c7f539ddff90acc891db",
	"923eeb66fe6201132ce7906da038f887",
	"dc754be93080fe5891458e5474e46176",
	"5d08abc7d9d19e5ad3eac140e86609ee",
	"5311ea5cbd05221bffd9e570f89d79fd",
	"856ce5fc23aaa9b6acbe301c59584870",
	"53788cd91093c66169e4026e1980bb16",
	"b2a28ac0b273319783b83939a0120e70",
	"bb3616b2bd2cb2de7bd21c788424a3ba",
	"f5082ced2b4bbfbbc471564165897d9e",
	"6028108a4bf0f3104242ff5388cd7a5c",
	"0175a4c14eb64c544a4d1202f0248284",
	"a375f41ab924164d1a7425b6cf0f0ba2",
	"66cfb6d99b0be4b721092f70dd8b10c5",
	"07325b89c6096440ebde6fed62dce9aa",
	"eb9a52a40f1fca1f109787699860503a",
	"9bed5547447a581a75eb3818e91ce6f5",
	"5e706635626fba06120a2730c8912354",
	"1f151ee122ce59167ac2c7b27da4cbd9",
	"455b6918d39c6b055be8d549b2d88470",
	"0c4a114c375beae8d946ddc978888246",
	"297552a0ad0be28ac81a2e4097573d34",
	"7effa935ba4aad933c72d1874575d17d",
	"75cce70ff3dbfb5b31202e9360872c2d",
	"936883f0762d97cfdcd6871854fb90ce",
	"ce5149cebb3543bb3c4c6f2ecd6cf655",
};

static unsigned char buf[MAXLEN];

/* buf's bytes: the high byte of each step of an LCG (as the python above). */
static void
fill_buf(void)
{
	uint32_t x = 1;

	for (size_t i = 0; i < MAXLEN; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 24);
	}
}

/* xorshift32: the cuts of the messages, the same on every run. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Ends c and gives its digest in hex. */
static void
final_hex(struct pxr_md5 *c, char hex[PXR_MD5_HEX_SIZE])
{
	unsigned char d[PXR_MD5_SIZE];

	pxr_md5_final(c, d);
	pxr_md5_hex(d, hex);
}

/* The digest of p[0..n) by one update. */
static void
one_shot(const void *p, size_t n, char hex[PXR_MD5_HEX_SIZE])
{
	struct pxr_md5 c;

	pxr_md5_init(&c);
	pxr_md5_update(&c, p, n);
	final_hex(&c, hex);
}

/* Counts a wrong digest, saying which on the first. */
static int
wrong(const char *what, size_t n, const char *got, const char *want)
{
	static int said;

	if (strcmp(got, want) == 0)
		return 0;
	if (!said++)
		fprintf(stderr, "%s, length %zu: %s, want %s\n", what, n, got,
		    want);
	return 1;
}

/* RFC 1321, A.5: the test suite, and a million 'a' (by one update, by
 * 1-byte updates, by 1000) as md5sum gives it. */
static void
test_rfc1321_suite(void)
{
	static const char *const suite[][2] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		    "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		  "0123456789",
		    "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678"
		  "9012345678901234567890",
		    "57edf4a22be3c955ac49da2e2107b67a" },
	};
	static const char *const million = "7707d6ae4e027c70eea2a935c2296f21";
	char hex[PXR_MD5_HEX_SIZE];
	struct pxr_md5 c;
	unsigned char *a;

	for (size_t i = 0; i < sizeof(suite) / sizeof(suite[0]); i++) {
		one_shot(suite[i][0], strlen(suite[i][0]), hex);
		EXPECT_STR_EQ(hex, suite[i][1]);
	}
	if ((a = malloc(1000000)) == NULL) {
		perror("malloc");
		exit(2);
	}
	memset(a, 'a', 1000000);
	one_shot(a, 1000000, hex);
	EXPECT_STR_EQ(hex, million);
	pxr_md5_init(&c);
	for (size_t i = 0; i < 1000000; i++)
		pxr_md5_update(&c, a + i, 1);
	final_hex(&c, hex);
	EXPECT_STR_EQ(hex, million);
	pxr_md5_init(&c);
	for (size_t i = 0; i < 1000; i++)
		pxr_md5_update(&c, a, 1000);
	final_hex(&c, hex);
	EXPECT_STR_EQ(hex, million);
	free(a);

	/* A spent context starts again; an empty update (NULL) adds nothing. */
	pxr_md5_init(&c);
	pxr_md5_update(&c, "abc", 3);
	pxr_md5_update(&c, NULL, 0);
	final_hex(&c, hex);
	EXPECT_STR_EQ(hex, suite[2][1]);
	pxr_md5_init(&c);
	pxr_md5_update(&c, NULL, 0);
	pxr_md5_update(&c, "ab", 2);
	pxr_md5_update(&c, "c", 1);
	final_hex(&c, hex);
	EXPECT_STR_EQ(hex, suite[2][1]);
}

/* Every length 0..MAXLEN: by one update, by 1-byte updates, and cut at
 * random into 20 sequences of pieces (empty ones too). */
static void
test_lengths(void)
{
	char hex[PXR_MD5_HEX_SIZE];
	struct pxr_md5 c;
	uint32_t s = 2463534242u;
	int bad = 0;

	for (size_t n = 0; n <= MAXLEN; n++) {
		one_shot(buf, n, hex);
		bad += wrong("one update", n, hex, want_len[n]);

		pxr_md5_init(&c);
		for (size_t i = 0; i < n; i++)
			pxr_md5_update(&c, buf + i, 1);
		final_hex(&c, hex);
		bad += wrong("1-byte updates", n, hex, want_len[n]);

		for (int k = 0; k < 20; k++) {
			size_t at = 0;

			pxr_md5_init(&c);
			while (at < n) {
				/* Mostly short pieces, at times a long one. */
				uint32_t r = rnd(&s);
				size_t piece =
				    r % 8 == 0 ? r / 8 % (n + 1) : r / 8 % 70;

				if (piece > n - at)
					piece = n - at;
				pxr_md5_update(&c, buf + at, piece);
				at += piece;
			}
			final_hex(&c, hex);
			bad += wrong("random pieces", n, hex, want_len[n]);
		}
	}
	EXPECT_INT(bad, 0);
}

/* Every cut into two pieces of every length, and into three of 129 bytes
 * (across two block boundaries). */
static void
test_cuts(void)
{
	char hex[PXR_MD5_HEX_SIZE];
	struct pxr_md5 c;
	int bad = 0;

	for (size_t n = 0; n <= MAXLEN; n++) {
		for (size_t i = 0; i <= n; i++) {
			pxr_md5_init(&c);
			pxr_md5_update(&c, buf, i);
			pxr_md5_update(&c, buf + i, n - i);
			final_hex(&c, hex);
			bad += wrong("two pieces", n, hex, want_len[n]);
		}
	}
	for (size_t i = 0; i <= 129; i++) {
		for (size_t j = i; j <= 129; j++) {
			pxr_md5_init(&c);
			pxr_md5_update(&c, buf, i);
			pxr_md5_update(&c, buf + i, j - i);
			pxr_md5_update(&c, buf + j, 129 - j);
			final_hex(&c, hex);
			bad += wrong("three pieces", 129, hex, want_len[129]);
		}
	}
	EXPECT_INT(bad, 0);
}

/*
 * A message of `before` bytes, `add` more given by one update, with the
 * context's count set as if the first before - before % 64 had been hashed
 * (the state some h).  Hashing them takes too long for a unit test, so the
 * tail is checked instead: final must give what h gives after the last
 * before % 64 bytes, the add bytes and the padding written out here, with
 * the bit count of before + add (modulo 2^64, low byte first), are run
 * through as whole blocks.  A count kept in 32 bits, or cut to 32 bits
 * anywhere, fails.
 */
static int
big_count_wrong(uint64_t before, size_t add)
{
	unsigned char tail[3 * PXR_MD5_BLOCK], want[PXR_MD5_SIZE];
	unsigned char got[PXR_MD5_SIZE];
	size_t have = (size_t)(before % PXR_MD5_BLOCK), n;
	uint64_t bits = (before + add) * 8;
	struct pxr_md5 c, ref;

	/* Some state that is not the initial one. */
	pxr_md5_init(&c);
	pxr_md5_update(&c, buf, PXR_MD5_BLOCK);
	ref = c;
	ref.len = 0;

	c.len = before;
	memcpy(c.buf, buf + 100, have);
	pxr_md5_update(&c, buf + 200, add);
	pxr_md5_final(&c, got);

	memcpy(tail, buf + 100, have);
	memcpy(tail + have, buf + 200, add);
	n = have + add;
	tail[n++] = 0x80;
	while (n % PXR_MD5_BLOCK != 56)
		tail[n++] = 0;
	for (int i = 0; i < 8; i++)
		tail[n++] = (unsigned char)(bits >> (8 * i));
	pxr_md5_update(&ref, tail, n);
	for (int i = 0; i < 16; i++)
		want[i] = (unsigned char)(ref.h[i / 4] >> (8 * (i % 4)));
	return memcmp(got, want, sizeof(want)) != 0;
}

static void
test_big_counts(void)
{
	/* The count crossing 2^32 bytes in an update; past 2^32 bytes
	 * (2^35 bits) before; past 2^61 bytes, whose bit count wraps (RFC
	 * 1321 3.2: the low 64 bits). */
	EXPECT_INT(big_count_wrong(((uint64_t)1 << 32) - 10, 20), 0);
	EXPECT_INT(big_count_wrong(((uint64_t)1 << 32) - 64, 64), 0);
	EXPECT_INT(big_count_wrong(((uint64_t)5 << 32) + 3, 50), 0);
	EXPECT_INT(big_count_wrong(0x0123456789abcdefu >> 3, 7), 0);
	EXPECT_INT(big_count_wrong(((uint64_t)1 << 61) - 100, 99), 0);
	EXPECT_INT(big_count_wrong(((uint64_t)1 << 61) + 5, 9), 0);
	/* The control: a small count, which a 32-bit count also gets right. */
	EXPECT_INT(big_count_wrong(1000, 30), 0);
}

static void
test_hex(void)
{
	unsigned char d[PXR_MD5_SIZE];
	char hex[PXR_MD5_HEX_SIZE];

	for (int i = 0; i < PXR_MD5_SIZE; i++)
		d[i] = (unsigned char)(i * 16 + 15 * (i & 1));
	memset(hex, 'x', sizeof(hex));
	pxr_md5_hex(d, hex);
	EXPECT_STR_EQ(hex, "001f203f405f607f809fa0bfc0dfe0ff");
	EXPECT_INT(strlen(hex), 32);
}

/* What pxr_md5_file's progress function saw. */
struct seen {
	int calls, bad;
	uint64_t last, total;
};

static void
progress(void *ctx, uint64_t done, uint64_t total)
{
	struct seen *s = ctx;

	/* Never backwards, never past the size; the size the same. */
	if (done < s->last || done > total ||
	    (s->calls > 0 && total != s->total))
		s->bad++;
	s->calls++;
	s->last = done;
	s->total = total;
}

/* Writes n bytes of a pattern (buf, repeated and varied) to path; their
 * digest by one update into hex. */
static void
write_file(const char *path, size_t n, char hex[PXR_MD5_HEX_SIZE])
{
	unsigned char *p = malloc(n ? n : 1);
	FILE *fp = fopen(path, "wb");

	if (p == NULL || fp == NULL) {
		perror(path);
		exit(2);
	}
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(buf[i % MAXLEN] + i / MAXLEN);
	if (fwrite(p, 1, n, fp) != n || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
	one_shot(p, n, hex);
	free(p);
}

/* Checks pxr_md5_file's digest of path (of size bytes) against hex, with
 * progress called at each PXR_MD5_FILE_PROGRESS bytes and once at the
 * end with the whole size. */
static void
check_file(const char *path, uint64_t size, const char *hex)
{
	char got[PXR_MD5_HEX_SIZE];
	unsigned char d[PXR_MD5_SIZE];
	struct seen s = { 0, 0, 0, 0 };
	struct pxr_err err;

	EXPECT_INT(pxr_md5_file(path, d, progress, &s, &err), 0);
	pxr_md5_hex(d, got);
	EXPECT_STR_EQ(got, hex);
	EXPECT_INT(s.bad, 0);
	EXPECT_INT(s.calls, 1 + size / PXR_MD5_FILE_PROGRESS);
	EXPECT_INT(s.last, size);
	EXPECT_INT(s.total, size);
}

/*
 * Files empty, of one byte, of a read and a byte less and more; and one
 * of two progress steps and a bit (the reads of PXR_MD5_FILE_READ bytes
 * cross them), buf then zeros (sparse: quick to make), whose digest
 * python3's hashlib gave:
 *
 *	h = hashlib.md5(b); h.update(bytes(2 * (256 << 20) + 12345 - 300))
 *
 * A file that is not there, or a directory, is an error that names it.
 */
static void
test_file(void)
{
	const size_t sizes[] = { 0, 1, PXR_MD5_FILE_READ - 1, PXR_MD5_FILE_READ,
		PXR_MD5_FILE_READ + 1 };
	const uint64_t big = 2 * PXR_MD5_FILE_PROGRESS + 12345;
	char dir[256], path[300], hex[PXR_MD5_HEX_SIZE], got[PXR_MD5_HEX_SIZE];
	unsigned char d[PXR_MD5_SIZE];
	struct pxr_err err;
	FILE *fp;

	unit_tmpdir(dir, sizeof(dir), "test_md5");
	snprintf(path, sizeof(path), "%s/f", dir);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		write_file(path, sizes[k], hex);
		check_file(path, sizes[k], hex);
		/* No progress function. */
		EXPECT_INT(pxr_md5_file(path, d, NULL, NULL, &err), 0);
		pxr_md5_hex(d, got);
		EXPECT_STR_EQ(got, hex);
	}
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(buf, 1, MAXLEN, fp) != MAXLEN ||
	    ftruncate(fileno(fp), (off_t)big) != 0 || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
	check_file(path, big, "f2578e16f8de132e10c2410054588694");
	unlink(path);
	EXPECT_INT(pxr_md5_file(path, d, NULL, NULL, &err), -1);
	EXPECT_INT(err.code, PXR_E_IO);
	EXPECT_STR_CONTAINS(err.msg, path);
	EXPECT_STR_CONTAINS(err.msg, "No such file or directory");
	EXPECT_INT(pxr_md5_file(dir, d, NULL, NULL, &err), -1);
	EXPECT_INT(err.code, PXR_E_IO);
	EXPECT_STR_CONTAINS(err.msg, "read error on ");
	EXPECT_STR_CONTAINS(err.msg, "Is a directory");
	rmdir(dir);
}

int
main(void)
{
	fill_buf();
	test_rfc1321_suite();
	test_lengths();
	test_cuts();
	test_big_counts();
	test_hex();
	test_file();
	UNIT_DONE();
}
