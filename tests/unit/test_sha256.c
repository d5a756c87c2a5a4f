/*
 * test_sha256.c: SHA-256 (lib/sha256.c) on the FIPS 180-4 examples (NIST's
 * "Example Algorithm" sheets, SHA256.pdf and SHA2_Additional), on every
 * length 0..300 of a fixed pseudo-random buffer against digests from
 * python3's hashlib, however the message is cut into updates, and with
 * byte counts past 2^32 (the padding's 64-bit bit count).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
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
 *	for i in range(300): x = (x * 1103515245 + 12345) % 2**32; b.append(x >>
 *24) for n in range(301): print("\t\"%s\"," %
 *hashlib.sha256(b[:n]).hexdigest())'
 */
static const char *const want_len[MAXLEN + 1] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd",
	"326c42373f36b6b1839315af86808e270bc99d067d33330e4315b6ce71d27f13",
	"26c2383218381d61211063f9e1d5ac31fe39afeeddebe0c0bb0a0af505e62962",
	"bcd0f98d4994b6ef52f20bb9c849d775eece68b0bed15870882c75d07fd4daa6",
	"a7a233b4de9ff6c946ec09b67b01edb1eccfd76a8e93a625a8930ac2b38bfa3d",
	"1a7caaa0916839ee22522326824546d521d2f9fccabf7c0b690acd423df8dd84",
	"4733abc1b10ffce6276c3a491c6108b927a5124e82790b628fe1b22340cc5016",
	"a7685951a6ff8cc64a82d5d91d3c343f9d103d2d9786f81c19a799c99391708b",
	"a93d97feb340f6e770bf7b0f90457a15b6dcf32a28791ee2d1eaaa23cc2a477f",
	"2be0f10831c223658f7f59471a86688950524cf19804c15b9e5f563888d3c563",
	"d1694bae4bc9ae0f3a535afa87d42104b08fe12a2ca6da3297985a4a3ae2d027",
	"dd31e852d1e3ce31d3d4667c554398d15ff3dfab6bf972eca24227b467bdb872",
	"2c35a0bc9748979030adc81bcdec0766157c3979c92d053e53a0eeab49efd5d1",
	"68f3d0ecf84d5db8e988bccd903693f1f8f4a4f44c905614e91fd368ce3af733",
	"7e782647433895532305a5fde7fe5a1a6857bc764b6831ee5532407a06c265cf",
	"90fbec9962ce5e22baa429e63478a32f9fc8d0949b5cb636c3bd6937fd4bee38",
	"bc64df2bd361d2f7fb46d52c0f62b5fee05da4976541a04830b3d20c19c0f855",
	"a82a75fb45743e463b5c4ff5d23397fb1fe238cb0858c2318ed96d7021951db8",
	"5368a962d437be13eaf1734a4d7ea8f46a36920a9a98528992cac6c992ef50ad",
	"0421f91cd9eab5835a6dd82dc995783f7b80ac46c0bb5e69a111a05cb243a6e4",
	"6eae289590ed410e4d8eb2512fa55ac0bc83e0c75684c11a4cc11ca79bc1cb60",
	"ec38c85fc716c083e3f25f107b733d42f8bfecd1e49e98893f54af950f2cee09",
	"fe46b9cf0e2df8e2599c8a2db4a24b0db612a825483ca074f06edb97c4d455ea",
	"bbf01bbc4a17ab50017c6df39227ec73979099161b7cf200cc2efbe77cbc6dd7",
	"1a60d1e2159fe03dbe41661125f8c9d8b0db57bc1254034093df0b537e4923cb",
	"2317a2249f69f61c74c9505ed5b267e1f94890bf8cad908d25c1a4dfe50119db",
	"16aeb38b4b0a766880426438f8e4f17962d01ea61a09eb019dac071fd74f51fb",
	"871cd8ec3feb68d1f24a9316ce803b563122bf61b49097b6f42e502b372862d2",
	"b2ffacd257c2ccccc059d879a7ba63ee4418a9a4f5615d64b1b7701861e3686e",
	"bb1f8bd5111ec71e7f7c8c93143ae9e1176bd3179a3c4f6d85ec299760b1d313",
	"7f1e4ac9d7c05f4846d55a9cfd5301f1419f9bfc8938f3572091e45e1b86276c",
	"cc4d4d464ad0a294d3a180758bc0670d36bb73f12bcd0185369e8c8ca6495284",
	"3bccad2deb1792ee374fe7deae5fba9dd46d383d1dc5b60c6c9301f8cf8bee87",
	"348c44e7b8970d1f2d64dfc576e09c879597a058f67a5960769ad8dae6cc60ba",
	"4dba4cc0edcdc9cac87ca67c3a9351c99712ee9b1e15c8ce0a18dc2537984d5a",
	"46ac2fd4841938e3a77a0b166e93290426d062fdb63a22579cb11508b8e5085a",
	"f6a1f16d5e3239df5017985a94477f0c39dc86c1d729524b8f2164ec16462570",
	"6a4842f0da684cfe19abda8c793ffa18ac6a9e4e071d13528167ba5503cb6c32",
	"663493ed6cada5c039b9d7ebb77838a921417ba2224633142b7a8820a3625810",
	"dddce21494bd84e328f36d5f7c096bd3f90650f95d9da4f722916bae80dca884",
	"739a93791817da82a9997dc571f850a29d79ee67dcaa91dd9a090f2111a45b3d",
	"560bbe39ca1319af0772c00c4d8fee0e291d36082d46bd0efbe9c567c1264455",
	"2ee981f811b3c78985cb0683435ccca504e821f334f043d86a62e946b1ff85af",
	"af982ae143157c4918f0953b3cd910caba1dfa3458028187ae7867b385bee6fe",
	"9f89c719462854569c8260f746b72e142353c66570961ea29d9432c8963220c9",
	"15326a9d14565235b9c40ee6060a6c0fc8679845bffbb6e26975e5eef59c3c5d",
	"a0dbaa83cfd43562701436d8c63c7462b49e37e63410e65e259d123a852fee7e",
	"6b20f228745144c72a819cdd2cc90e3d2c2ac9c56b839b48ccb47e46e550a828",
	"06fe113ca61777c1fb7e2afc7a8e7671c658e7e361e5e85ee8c3bd0868ccbb05",
	"597397f27ccd4d03a5845f684a33fabae32804d0839605036357fed1b250f068",
	"c4ced2dde460f4073715ab1b5881e0ad2c436a3dff1f46aefca86838dbe85683",
	"bd63a68312ad0ce0f899a0a74cb4da481a16e491fb2f836d6d39e3e0ec514686",
	"5525d3bbc6b0055843f1d4f6253fc8cd183f4a90a76da4eee3cf719f967d7370",
	"23f219c2e1a07746fd6139ab458b7f7adc3bde589dc425e1211c3b03a84da328",
	"9218594313904610262196f09bfde1cb618c79b5e3c96389e327fec7a727702d",
	"6eca7b00d8213a6a8220480bdc005c1f4596a66e3079e68b248bf18f7604d5f3",
	"3bf4e9353e9b8f520002291e6c6cf604a190b87ea0415060e91e158de9d56208",
	"91684435d391cc1dab047e0086891c7609ea69fb4c1032f17209a24a5d355b85",
	"a9dab6bd3a3f22ef0fe7f3b219b8817af4b74cede9db57cbfddbb2942c87c8b2",
	"5c3ca27af15c7812017977de1c42478f996910699bfb9d8c382dc8fdba77a5e9",
	"950fa191ced11c24193166f1304f89923ecba2d31e0840fee29b15148b39d5a9",
	"9633514d70c73cdd53e8933d3180b15874874781946eb2cfac8eaef97b1ad1d1",
	"fb2aeb0ad9730a0d29bf9544c05de2977bc6ea50667cea5ff6879a987ee6c420",
	"db95e489d22a0e3eec564999c5d3f20a991270c392151a3cde20a9e87258f75c",
	"6476e37410da2b4f7d360c889aaa096e1ef5daa83bc6107c9a093dc100b42c66",
	"470566805bd14dd86d7ce7122c82f3405785b5fbb19f04c9296697aa5f1662bc",
	"3c5d265a38cebf69b1f87aeac43842e37b921b2de86752984610660a238d1bcb",
	"d7c90eebd78cd1af7c3fa5c0d5c05427c2b69e49cfbeb951a1fef514ba88483c",
	"21e3db7246d53da978058794589f539ea269bb3b709840279ea0c35b8e55267f",
	"fdc989dd01adcde6feed65a09bb9a1b34a3e3bc1adc788f3391f15a926ffdd88",
	"c2c1c66e5158202c98d7a074510367ca53788a1774c23efab01352915ef372d7",
	"b80c353b7f45333dabe5ae1a9f5fa1e8cf5579b47071ace21ce990a1ccec51e2",
	"f35162f23a2d844ddef59a157fd1455fcf2aa51f04dc4fc5106f6741e056f8dd",
	"cc5247c20591545c18010f082658e170b2f91a4c4430e6b721edbae6391fc46c",
	"05282936de3725cee5e1bc60af5bd966959d6890486c7f89a8c1476421fb8456",
	"a7ca95ff2e65fa957cb405f22495d2d6da90d1ab2401711ad8a676ca7f3f9945",
	"dfcf7f4a7da3f21343512ecce6d3fcd9815f465925ac70d6b1bacf342c0f35a3",
	"1e2d15fca022b7941837341cc48210eead399b3f74d7954ba96eb633f4cfa3cd",
	"4c4805625c1102d078dd35022960533e4c897606f136acf665f94ee6ef776768",
	"8bc934d5a8bc8f25ee90911b0966e0fce9c76b4079477abf3ff1c6cb3befaa49",
	"3920222768a2f1232aaf9f770cbb003a6288e8cc8e960edfbc69e224efb2aa01",
	"1e6b9fbc9862a58970b6d484b433f08350a78c697406e43b9ad847fc59d3347e",
	"5bf45589d1d62bec2fd2f55179276f8fa14c14cf78672f6085b4946e6d1aa431",
	"2620e5b642937caf0251fc03249c4a6662e327db4d830958a9955c2b994ee649",
	"85180703f4520a726bb3c2806e7f5fc8fe42658b2583f3b0a5d8585db1754a13",
	"115709869ea1f8681c6ae4299ed55adb08f276e153e2ea7ce4e56b0a4f4d8b3c",
	"0cfd450abd7c38bf5c9e6c1a94a00c4d9283f4ed96a48fa288086e2c59f187db",
	"bec737bf771dc99e689802d65c239ec889bd23ff0c962e0ca18dc7d62f4df794",
	"53d468fd8c2be6bd4443d808e25285ea1cec2881d683b7f5057a5f1ede3a0605",
	"73e3834cb68455660828dee8429469253b3ebca2e55ea68a679b6d150353f79a",
	"2980ae553477fe4f6990a62446a3447c8ace517b2824a0fc0d963e454bb82e27",
	"af3e3ece4bd4c8dea493cb73c9b6a41fa26c62cb9975e5954c2acf5cfc35ca04",
	"c59d958fb0bd60218d14e92e6d4e0fa01d16dfbd97666f8d914cd4ebb09bc38e",
	"dfc5db581708b110838c14c24bff0f1af8a7557e20414f205abd187ea6a7a616",
	"a68bed14334eb29d5c8d8dc01b27be5406c2e71a291bcda6a034b4f5a71c2f42",
	"b346f9ea9b00172323ab56b5ad69811e2c66194a6b31c837e3237ab16468b772",
	"5892cf3509aff48a6152c23231590e0f1bf75d7d39db6ff6c452a5b64ab25f97",
	"c1c9a107451e7c6578f8aec5efee5e81bc883290b5b3002e8c65bddf87da986b",
	"af42ee4bb62fc3642b3c26b0bf4e6a07b3d8e0d407ba8be357ef60f812512521",
	"c5c05890223f9efece1e973526dfc4bd7570ee426e3cd854287b6157271118b3",
	"5f8a0155eb13b0c731b70efb1cc6fb371dcdc3d1854526c8db878f6f38b2d0cc",
	"94121399f743e51a49031d77bba461101668fbf81515f7e2f48849bf66a93fb4",
	"13afc9a1c28a1451eb52d0c53a9417aef87307a8ea38044e78f28d71d98e9553",
	"a12dc2ac0e8d0a630008b9439f9fd1c2c84893ec96a187e36f0819c074973345",
	"3f844d65237aafa93548f0a7fc00e9ed322e93fd311d5dce08c385181ba7dae6",
	"f1c1fa19574a1b9edbf6c01af97a5415d144aeaa3ccd16d05edec7e78f0a1800",
	"a5234e06da63b6d565593cdcbe29035f6f77374b82523ec95221b34fc2657d69",
	"c41a7a76bc7211b28b97b9292d44e3727d809305281e486478ef63a78b1684ca",
	"395417733ff90ec77f2d550bcdb6074059038902aca3739a2b26c0c42cb5600e",
	"166adf28eee798260fe5f7f507242f8d4ed45e4ec5d963b655c18f0917ed2ef7",
	"058a4e32a180e2349df2ca5acadcd3280b995e274afc80edf40ce4a4e3ddc5c4",
	"97e4736a80fca8d1f515d58c96e0b6eb96f1a8a49a229a34cd63fb1abf7933e6",
	"d896d6fb25864216068fb9c5b40369b2c179e633ac2f94bfc1d63064acd987a6",
	"4b78289311a2e0a7fc7db0a0f96481e3f6fc82fae80f92395a61f1156bfd97b8",
	"094699acbab161cc2af036cf29aae61d08350634c3259070dc897433fe12ef46",
	"905a1c48b938c368bfef6fdee492ca035f81050ac11a6c94b6321bbabd452425",
	"a9a5e1dbb9e8453ce9c253b0834e89cdb98604c29627182d20eb683d79bf9e18",
	"9f41c55b5111aec2a2cabc6ed656a8b537ea0746dc7c70d9b3a16be57a6cda28",
	"789531f3088a2dc1360e60226a302fda533874d2cd0146a3b0fcea22e8f9c3fb",
	"9fcafe6b5e7031a5648dfac8dc34382ca67ff45d83ad8177a1e365dbd662a4ff",
	"27a0d50c37b9b33bf8c05d1190597ba632715dac5153a751487f4e1917b893e6",
	"da5fb7b4ffe05e7373acef95a24eafa7ac11c8b8150f8e0f32c5e9605d874bd2",
	"b174ffdfe7308ae5af8ce9015e74f8b9868bc17b61511ac2790626d9644972f6",
	"ec58e2b621fdcffb32514a7c37c164ae2c47ae4b3d32196bc2c0720c6ae28f7f",
	"a1e77a31a542b38b2618be639b2d2c90537596a418a929f4fe320c235b42f2b0",
	"e7e911d44f051dc824c9e8c28b8bbafacffdc3094a5acda981dadad29748a272",
	"981124bf26b5568834f97a38d083405b950986aa3708f46856b769aec5ee684a",
	"9fc43230131498f7711ac755420dd0c3fc808e13fdd01ba12133e4349ccadcc5",
	"c5acb730820142d1c16a6c2dc7d903a0d3a5ca9600081ad6e33a8da2225f482f",
	"f001e2e9f64f07c385f52f9cb8f110589fccd996b4b67d6b22aed609872197a4",
	"2d9bb292ac3b3b11fb6fd27984acb89e6d71b96ae1cef209424b695848fff1ae",
	"56aa1dcc5a8cc6c514b568871d7d38c7942e40833fea55dcbdb9d7bd1cc5b386",
	"90f2f25b18c6098b4e3a4934598c37daeba925145271e318833554f044b02404",
	"a682c50baba4ff9a994b0f6d28fcfb90f3ea946b1706e06455a4a3c4fd1449b5",
	"8705128724be08079904da2071f7898dbb9e415713270842384fd9502a8c70c3",
	"e25328d320faed15eea9f28624ee374e02909e840262211036745f41381ee398",
	"9290c5ccca9b5aa6a203e5c26b7c004dc60545474240ee53d407ef4284c661c5",
	"7650b8bac40e93f6cf64f03895c617bd9a1a04549c2f718ad4fdcdd0d69423a1",
	"99c4fcb44f4355f57b1f3d0ca39d9a89e234892d57859934b6cdbbd2d9cd536d",
	"42f404550fc3b5465e9d7a986bb6da0a71ac334302a1b00f31a93a60e541eb79",
	"e6111da50ff0a12f14273ea9e9f2b82a6d8a6fd9e4ada36d6d41c2855b59eb84",
	"c2b30813903bc9ad357177e5f6167edeacd77b60efd114a53a7cb7c37dfc9890",
	"2fd3462cb5c76d5f050fb131e63b13efd9135f9fc92e13e3b794354415a5a784",
	"f319478b50ca39c5f5e7a4ddec077fa1df3e8f9d6840ca1d31ba5505e57b853a",
	"83b915cea62f15c6d90410a1867abf1f182cc4c8a1cfd25cc952e7c725a98654",
	"5cd52de23437ead8f451c5ecd7cdc1a6f96de1b36eb46500dbf9dcbe4aa266fc",
	"a832ab90dd8de25452fe2391cfa23e58762efc9740743571f8ad9ecf7182356d",
	"2ce83cd6a7144558f4a6a9fa859a9726475169ba0c8653a672144f0e75fd8958",
	"14b86776c7ad6f3bfffc20765a1a5082d977ff0c9517abc3ef03bed07b82f609",
	"41768ae0fea4d9f07da1db75254e28c0428a1d3b9f9b0cd35eca20b0ff53c067",
	"1d0c0aeac06804e87fe280ad15be63b6f9d92b43c8d3e30183a462e8c6c4245e",
	"59f0523ba2763e37912e61163d5400b3ded149b1f6b6e8c663b5a01934d8f5b1",
	"5dec876e0baa729723397763158263713924aa34264f5be56195c6645418216f",
	"6dd7ebdb6f2965f20df99a949c9775395a9b2c22554d1d1f51a65d37bc34722d",
	"dae0982bc6479de0487408517e729b84f91f531859555fd1f2518abf270c19c9",
	"51859897dd086f46bfc00d9221773d54cd258b6dfa67fa22765e1f81bcae657c",
	"9059075316ef262d9c13f479da42489e4c864ca7f5c55b68f02b3518ab95f7e1",
	"43d8640b82f4cc4cf8df8283bf4dad120e6ea2d362fcb85f32587084d40b8feb",
	"a5f220e78d2e6430439381465a8966e67d758d4f50f0fb0d5ef7b88c4d2faa08",
	"8a26a6b14c1d36c498d7891d6864b9da0cac44e8c824dc433cbc086fcfb281e1",
	"e590c038f521e68c0f140a3ea7c82d3e71017e4b42209536e95e0a85df5a3519",
	"5e4ec86b956cc46d1b206f63d6bd40e205348d490a7da0455aeeeb8acc561e38",
	"aa62518054249eefe19fd945af927859860ba411f6b9d416f4efbdf38b2166ad",
	"49b13e9509bcc56a27646355cbad3714c72981dfd961ec8d083ab391d37644c8",
	"fc94802dd7ba9f4df11a653475239952d1753cd539d96a2d96e3b5b465b6a287",
	"815e57a5c15a10a539c6c5faa7d5da20beafed3a641f75c9db9f11620c0c2607",
	"0cea43c60e59def0de7a30909f7f42a8e1d1ff0d0673ec7a25ab0ff77ce9ab45",
	"f03723bd4730d03f3133dcf5bcb7a92cc3043b4232b0f66051606c6e139e1bf5",
	"0718e7269163b2176875873df04a8754f6e42bf02c8b2c6c3540c2366a423636",
	"fc9ae5688a4eb00f829f467a71638f598978dd76aeba904c483522306c156edb",
	"0805addcb6fb87b695ce88e7c962512f040e2a342fb9adbb03153d26ce68bf64",
	"9d08c6b11334071a94da480b7acea9848cdbb4f4b46789259ef73254e814e6ec",
	"2bd161cd3461cc171ea7dc63f384bdb0c424d32d07129fe08161d4a71fcedc36",
	"480ceb438b7d81ea3b95f49aa3ccc7b6a6895c689fe48b35546d67dbcb351183",
	"31f978bfe4464b5c09f9ffdf0ee81057851906912fd58dfc2f2592da76add637",
	"7515c80d9b2a6e58d43fb6020fa98f2f995551bf57a8d6ec6668bc024b8715ea",
	"5457bb05d1683f7f134fa474fc3e230c5d1c641af8bca7b2a5f3955aeb3abe96",
	"9507d586a466b2f339f87cafe6a3302ca667a36f9df8c840246abd584c098bc7",
	"456d049fdf6e04398b7b9cd401dca18743503f29c1452fe340a958ec64435613",
	"653cc88dbe6ce922f748e66c14d8d0869c8cf68977b8775750c56060cfbe8664",
	"dfae7771d79cde23429c06683c97218a4dd7b553ee8a7fa8f0a0f15a718a1a67",
	"be92b6d6063b943cc696e506b1e05447ad19d26db4aa407e580c76a5f2a5321a",
	"a8aa3559a0651234e421a34a7d62ffcae8447c4523cb222ce309dc248ae93ec8",
	"cd49799d08bd5d6627ce580d34bfef97084e53c57efe837409b4fd0b0e14b785",
	"429b8d34ee169424faf88568e3719ec1e9da664e10ddcc2a6579c1e98c19e386",
	"797dfa6d9e4767e5c3dc20261fe8736c5301ce52aa8b4e50a9da3e5831b79ce4",
	"63924f456a762bbb4bc1616c91e46e3303f8bafa60bf758d9ca6e121b642beb8",
	"9330ce41a6e5219a195fe5b0f7ce90bf77e33e8070977735522950d9dbb18cc3",
	"5d697e970bfa12a1765ff8981819da650bb44792bb063be6585c7da53a0752b1",
	"7c2277bc6b15162e501189652b841be6763e4a4a9fa6667225f86c6cecbeeaf9",
	"280458454f2226a5b2558480e516e124044baf1d9df754f7c3b6ffc2cd9b482a",
	"02cede2d6a56768026813f295a8956649f5e0227f80763b32df0e7becb4c0bfa",
	"2ea8dbfb8670cf1d5d7225d3e7cea16a1fbd3c31b1920deb221a3279e7aae268",
	"852ae09a7289c4f13497e0371e6a8b80355fddb8d8b35db5c942b89f8f1dae6b",
	"414bd96b8bead8ad1568fa5afc4a32930c1e152d230f311e40589bd6650c9bc9",
	"ee402941e6d0b3969c2f706103fae6aa1721bcc11502f1a98f8044a960a16198",
	"844ef2dcdabf76c289d315cbdb9405e30f6a12a67df642b639be807c3966b13f",
	"f4de1613fe7476eb64d5eadc5401b28e6d70de9b0a09f70ca413f1d292f1318c",
	"817aa9f38d7922d4e04c940cda062f6feafd4d0d32349b7d2cb7aa455bb274f9",
	"23edb48d7d2985ac6c23a1a426e86feedaab91f781fb6959713c4b5b31c7d30b",
	"9f682cec7e57349a38a49346e75ebdd3b2f6034cbcdb9141c8e3b3653ae080d7",
	"8a9a59f78e01ee31820241fd3c5932843514c1d361f5d209dca19680a1681c44",
	"c1de9a44a6e55ba1c729464e4dc910b24ff2fd5c6b3e0f63eeff86e54682d3b4",
	"cfc224ebc316932f40dfafab683f87cdd650a5f938b927314096826885800b08",
	"2b29912e8ff1990d1dc2301c97b5671b1a74efe68be9b82054e2ea4fbe753f73",
	"8a2b5fc190c77fa9a288be2dd0811dab775a7ff9824c428968e128a2208533f0",
	"0c017f286d01ab7541d62f4b5bedffa2737285744a2f7c17aacefe8bd8364bdb",
	"8a1de611fb36a53b3ca0d243e15b87e67d777aec37225263779b6da2a1f111b7",
	"bc6deb59fcdadf6f9d53c6e8fc56c4676f71a4942e50ef0f1756445dc76fad22",
	"bcf66fc9dfae2bc2711e0f32e39b5af087100694d304c6af8fb2c6fb1c701855",
	"f7d77a270d3cc000cf24b10396ca0ebbb97bca6da998d18f25b1d9a11b59bf92",
	"1990e7f226dd60c388a67f8008bb1dc733b63f1523c31f66ecf481dbffe36c46",
	"2555d9da09ad81d9d3c4c58488952fcf99f9339aaab3fcc97a6653a41cf57bf9",
	"40da0f1690b32d7d709db287459dc49f7b492a5ef055294687745dfafcf48c41",
	"c7d1f1df4ce90be05e1277a9def4ee856dd92517dbd270e2e37de8799e9152e3",
	"97cc73b73bb4b58bbf7b092e454d3c63abb8f4e394839a9e44fac2993d354ca8",
	"2523700e741b2450278bac3b27e9ad78a94a71bd0d2e58bf14715b0e5eef7415",
	"2bfe31ded41c8b2fc384a4a45e6f6c4ee7cf0fdf87ab35350e57e1bf07993787",
	"88a743fd988a8df187fffe0261827596ad06446a9e330b3ab220d408731c2db1",
	"55f8d0c5cdd4db779975b744234f7188ee90be83998ea3d1f039a96feaadb9b6",
	"1e6c331822e0c2f115f54fafc824c6546c2accca711b13e9d4efce26199d25e7",
	"c1eb3ab06b2e9548fe821aa45051ff4a92695aacdc49ad04094716825d86025c",
	"d2e238aad459a76921ca2c45644934e4fcc12deeb102c6ae0648b855c1f26989",
	"2ac66252195cea996d07432fd90edbb60ab8fe2bb6f8610d368d4452a7024388",
	"083ab52fea9b5b05394a6300cdbf6251c9d09d257c7d15233ce4e3248e9eb6e0",
	"3a27e737a01bc4a1655adaabb75a0e950c5a25af16fa8477c1a2ca06f7d3893c",
	"7a8809a14601eee6c66c106fbfaaa15518046709ab5e871682f5eefec7f38f9d",
	"f10304779e2451ea78cecf781ba4fbdc362c3b83443886a12c060c270f039c50",
	"272927307adfc5859e4e8149850d37ff68cab8e019a2766aaf1d04982e4d0e99",
	"c9bd8455f108fd604c8a682f947b6bc698d7242d071dcee142c8de761bfa0396",
	"c69a5a2cd22a48ca2af6d35f28d1c72a1b7be4c944cbc19db6da53e54cd2bb5c",
	"6e7c48a455eacfee8fcce76ca39c5ae430e346240d9329b574ff3b344dfdad67",
	"147bab32d0342e9e28dc9e5ad77f7507311e860d1bd4b5a0422484e15da6be06",
	"48d3de1fd99330eac0b1d2be28f327b446140ca8a7b8775e150a3f8b2bc2b4da",
	"37ec6b3be87a3a423c1340c9bb030016ccdd8c08dcffa7773e9d70472e2e7350",
	"4eee865477275e35196d87602d00dd5950cd8b8dbd88699d28953827e9a2a8f9",
	"20d5cd2bf9458179b680094486ece2513b681263ee24e21d5feef63a3fa02647",
	"fec5927522f68433562adddda19230f3e914bf0ba34b7e5dd28034183d56c1ad",
	"9658782c0c5f160ce5f0204d8ccbca1a10d03c5344e2b9d3e956eff578521978",
	"478f2dab93f94f14b1eaedf05dc275cd9c6d27ebd664aaa2bf7312b6dde7b65f",
	"68dc279d76526d64968dad735a525b0f10b0a2e2c612550491540838c09ab30c",
	"49c50ae11db19d5c2ce65ce551d070ff40ac67c6f5d901dd9b273824a7faf243",
	"1c470889d2486c0390855ab536c6939faa55afaa97874466c3219717b39c7a22",
	"e8385f89bb2823ead0f37a5baa534ff3fd88c902e28fc8bd145ed33539f04b2f",
	"263d55d1758d94e71c937446e8b0534d1cd83a8b088cff086ea17e35bdd468e4",
	"5503a5c932866010a6f80490eaf8ccd82287f314f8ca0bad274d4f3caefc9d6e",
	"8f68146148311b688dd21c2ce2f5e88f7492546e475c1e0ab9a2c270385dd9f6",
	"de258b34f7ab7a74bf4b2a16271cc3600ef4218c0e872f604fc36800e1820e96",
	"7e3ff2e30370c9d523e2fb3045df25e708ee15e5a54f26a817999bc7e8e70df3",
	"004c9c54be6498c93cb4c94783d3840c77eadda92c6519211046cbc12a75e843",
	"6464a62aba5d3e07fc7448d5eb3d511039eac5274ad80a14a63e95244ca3447b",
	"feb093b18fd137ca4d7870cf03382d8a9a019f016f3ca2d8d25db5efdebe7580",
	"1a77a29de60293159b96700c7ebc9a741a2735099a877f531319c239948d497f",
	"51dd5413d9c7bcd7c7dbffc76505241e24db68a50199e7455ca1a9ce84c94996",
	"7f4d4940d6657524a80d7814c102afa307d69ceed6c1bae924050e2056dbf67f",
	"b47e4ebd91b04bf07be2e27a2424d18e4bfbf76f138a39f757ca759595a62481",
	"3c00debfed9d48acde0c93f4ef8cdcefb7e7328901c7c59b0d6edc40c9fc1b6f",
	"1b54fd4856c7527e139bbf93a37ec1cf198579d55e7d29fa219e44f038008588",
	"a7c608820067d20171732b657c59e56685bcd0f715e82f86a70fa7aad4804b00",
	"955a6528daffe23dfe329bf85dd60a6b48c38cc7bf52e657811aaeb6b761113c",
	"28c4eee817cb37476da57f537914221ff008a9ed7fa15fe290f1a585ff1b9188",
	"39a4e3f8faf66c99d4c41a4f4617cca71336122164ab4efe6153989b186bea8a",
	"ac5e3d59527683037d1d7fbb28828f55bc19370b0a315e903ae8dbee3f2a3fce",
	"b8db0c574da96b6f84500bbbe883b9e4bc4da97df45ce40d74670deca230a933",
	"765756c9c7201164a5b214ccc8485b53bd90394af0eb4efbb1aad47a0462653c",
	"7678b63b75a56dca56625fef58b29a755ca008b73b3d74ccad1b6b6977ad1d96",
	"e18f105be99d8728b13cf315eb5aed056721d93ce1efe6953795b3528b3c9d94",
	"38da1d393e3ca0bf2c8d4aa80b4e5182296d4a57c415bab02bd9f9c9c8787c29",
	"42c7d19dc6819aa5cc82c0f1a1cb936ec025b4f5d69e662f85ed8928aa017c18",
	"efb7c1194ebaeee86e4dd19689e50475b885d8dc1e6975c17e4265eff564e9a9",
	"0e8bfb360ff52c228eff74c8b5a226edf5715297be7414055cb0bbe47a34efed",
	"175a0f67519a5eb0c703b7f73071cd6ff64c1cb9a3474d0b7039bdf9e9916e3d",
	"7c9f74d782c68e1d1bdb4cb375a0a1231ccf603ecb5ef878a1fa0b9b48385578",
	"cdd5c1ace625ffc77912b6fc8f73024ff0fc0099d53357998b8d4128d239ec5d",
	"98d981c2924758a14614466a8892c602fc8fe0854f6e78955e32d739d127a99a",
	"71a3bb8c25a259878a98eef9c13548b583ebb62f9bc3f9fd7a0ebd7f17b57add",
	"189b0c7301853a25daded478c7160de5c29adaa9beabed62e3a8d6e442a04fc1",
	"a246afe39c07dd95a53ca39a7741c1eb399a782fd8fe312d4736af773fa9a309",
	"cdb9ad2106231ee996dc58b9fbf978d8a07d5f90c1f73e89b338daad2e7fae7c",
	"87c4940af0484c459556f4e7715269cb7e217a3fbddba0e7fe592f2788fc33f2",
	"bc75811cea83776e4f9a6113cf8a0b8af63c6ce55905cbd2d083ab97bc5ef01b",
	"d501b22ae00ea089447a92e76745a9274fedec17a038ff5d67baf2da76409a45",
	"f53c4d8366a88330ba4826e62993010b79abfdd38a89ab7cfd6902785c39035a",
	"818b13e83236665cd69a38c020973cb05907aeb6d19cc004c76e2a92319720a9",
	"6c4b2397b13b38ae4e415e393b15d8d900251b8249a75da725a1af193be353da",
	"6b9f56d1a28dda13206a15dac1159af802b813639a0a3902419d86f55e1c8790",
	"10c7c51ce204acd4398bb5865b38448e529500ec099bfdc62ee683763f27f3dd",
	"f59c28ebfbaa0039b19a7c91be5f754f7cdd9b64e1978b99e9ee6e2d0929829f",
	"be50f6fc3ea3fc47fce5f61bba7547436c3cfe1563b7954569a8e6fe1ef16b20",
	"b376334b5672f047899590ddcb1c5c013348bd0c034598112cdfdccf7bdc4c63",
	"5d4bb37c0c6cb777d0e600eca3b0e61d38e903775eb04b0094351cf58991b4b9",
	"dd9a0bcf83732d0f1bb8908de7ab266b0b8ecd6ff0e259388ab533b2b8f610f5",
	"ea9c0bda2d456e76e28b374fa3de6fc7a306ce5344e0ac5bfe829503ebef9c6b",
	"c5240e8f5aecb772a34a4d905180fe4a80c2902d7d6528cbac5a1826b582c6ee",
	"4c49bfc8db4e50f7ce1339e5580d1588bfefc52618f5543329f3c67c38cd54ff",
	"a7fa308355cece813b3de9f952ba565a402295576ead13ab61424b8309086af2",
	"4151c7ad8b6a50483586acf869d581badc0b41bc8e1b7f9a59b0ceef7f6be188",
	"92be32703d320bf4df0419cf9f9eca8b2d43e7827a03867274163318a6e74558",
	"b5d89c73859cd6bb545448362e7cb4549ce53689c2f7cf1f83cfddef2e679cc5",
	"061aa800b40d0fc92b14323e103953ccc17a46cc2b6b954e3c7b3d765962efa4",
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
final_hex(struct pxr_sha256 *c, char hex[PXR_SHA256_HEX_SIZE])
{
	unsigned char d[PXR_SHA256_SIZE];

	pxr_sha256_final(c, d);
	pxr_sha256_hex(d, hex);
}

/* The digest of p[0..n) by one update. */
static void
one_shot(const void *p, size_t n, char hex[PXR_SHA256_HEX_SIZE])
{
	struct pxr_sha256 c;

	pxr_sha256_init(&c);
	pxr_sha256_update(&c, p, n);
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

static void
test_fips_examples(void)
{
	static const char *const abc =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	static const char *const m448 =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char *const m896 =
	    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	static const char *const million =
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char hex[PXR_SHA256_HEX_SIZE];
	struct pxr_sha256 c;
	unsigned char *a;

	one_shot("abc", 3, hex);
	EXPECT_STR_EQ(hex, abc);
	one_shot("", 0, hex);
	EXPECT_STR_EQ(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	one_shot(m448, strlen(m448), hex);
	EXPECT_STR_EQ(hex,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	one_shot(m896, strlen(m896), hex);
	EXPECT_STR_EQ(hex,
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");

	/* One million 'a': by one update, by 1-byte updates, by 1000. */
	if ((a = malloc(1000000)) == NULL) {
		perror("malloc");
		exit(2);
	}
	memset(a, 'a', 1000000);
	one_shot(a, 1000000, hex);
	EXPECT_STR_EQ(hex, million);
	pxr_sha256_init(&c);
	for (size_t i = 0; i < 1000000; i++)
		pxr_sha256_update(&c, a + i, 1);
	final_hex(&c, hex);
	EXPECT_STR_EQ(hex, million);
	pxr_sha256_init(&c);
	for (size_t i = 0; i < 1000; i++)
		pxr_sha256_update(&c, a, 1000);
	final_hex(&c, hex);
	EXPECT_STR_EQ(hex, million);
	free(a);

	/* A spent context starts again; an empty update (NULL) adds nothing. */
	pxr_sha256_init(&c);
	pxr_sha256_update(&c, "abc", 3);
	pxr_sha256_update(&c, NULL, 0);
	final_hex(&c, hex);
	EXPECT_STR_EQ(hex, abc);
	pxr_sha256_init(&c);
	pxr_sha256_update(&c, NULL, 0);
	pxr_sha256_update(&c, "ab", 2);
	pxr_sha256_update(&c, "c", 1);
	final_hex(&c, hex);
	EXPECT_STR_EQ(hex, abc);
}

/* Every length 0..MAXLEN: by one update, by 1-byte updates, and cut at
 * random into 20 sequences of pieces (empty ones too). */
static void
test_lengths(void)
{
	char hex[PXR_SHA256_HEX_SIZE];
	struct pxr_sha256 c;
	uint32_t s = 2463534242u;
	int bad = 0;

	for (size_t n = 0; n <= MAXLEN; n++) {
		one_shot(buf, n, hex);
		bad += wrong("one update", n, hex, want_len[n]);

		pxr_sha256_init(&c);
		for (size_t i = 0; i < n; i++)
			pxr_sha256_update(&c, buf + i, 1);
		final_hex(&c, hex);
		bad += wrong("1-byte updates", n, hex, want_len[n]);

		for (int k = 0; k < 20; k++) {
			size_t at = 0;

			pxr_sha256_init(&c);
			while (at < n) {
				/* Mostly short pieces, at times a long one. */
				uint32_t r = rnd(&s);
				size_t piece =
				    r % 8 == 0 ? r / 8 % (n + 1) : r / 8 % 70;

				if (piece > n - at)
					piece = n - at;
				pxr_sha256_update(&c, buf + at, piece);
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
	char hex[PXR_SHA256_HEX_SIZE];
	struct pxr_sha256 c;
	int bad = 0;

	for (size_t n = 0; n <= MAXLEN; n++) {
		for (size_t i = 0; i <= n; i++) {
			pxr_sha256_init(&c);
			pxr_sha256_update(&c, buf, i);
			pxr_sha256_update(&c, buf + i, n - i);
			final_hex(&c, hex);
			bad += wrong("two pieces", n, hex, want_len[n]);
		}
	}
	for (size_t i = 0; i <= 129; i++) {
		for (size_t j = i; j <= 129; j++) {
			pxr_sha256_init(&c);
			pxr_sha256_update(&c, buf, i);
			pxr_sha256_update(&c, buf + i, j - i);
			pxr_sha256_update(&c, buf + j, 129 - j);
			final_hex(&c, hex);
			bad += wrong("three pieces", 129, hex, want_len[129]);
		}
	}
	EXPECT_INT(bad, 0);
}

/*
 * A message of `before` bytes, `add` more given by one update, with the
 * context's count set as if the first before - before % 64 had been hashed
 * (the hash value some state h).  Hashing them takes too long for a unit
 * test, so the tail is checked instead: final must give what h gives after
 * the last before % 64 bytes, the add bytes and the padding written out
 * here, with the bit count of before + add, are run through as whole
 * blocks.  A count kept in 32 bits, or cut to 32 bits anywhere, fails.
 */
static int
big_count_wrong(uint64_t before, size_t add)
{
	unsigned char tail[3 * PXR_SHA256_BLOCK], want[PXR_SHA256_SIZE];
	unsigned char got[PXR_SHA256_SIZE];
	size_t have = (size_t)(before % PXR_SHA256_BLOCK), n;
	uint64_t bits = (before + add) * 8;
	struct pxr_sha256 c, ref;

	/* Some hash value that is not the initial one. */
	pxr_sha256_init(&c);
	pxr_sha256_update(&c, buf, PXR_SHA256_BLOCK);
	ref = c;
	ref.len = 0;

	c.len = before;
	memcpy(c.buf, buf + 100, have);
	pxr_sha256_update(&c, buf + 200, add);
	pxr_sha256_final(&c, got);

	memcpy(tail, buf + 100, have);
	memcpy(tail + have, buf + 200, add);
	n = have + add;
	tail[n++] = 0x80;
	while (n % PXR_SHA256_BLOCK != 56)
		tail[n++] = 0;
	for (int i = 7; i >= 0; i--)
		tail[n++] = (unsigned char)(bits >> (8 * i));
	pxr_sha256_update(&ref, tail, n);
	for (int i = 0; i < 8; i++) {
		want[4 * i] = (unsigned char)(ref.h[i] >> 24);
		want[4 * i + 1] = (unsigned char)(ref.h[i] >> 16);
		want[4 * i + 2] = (unsigned char)(ref.h[i] >> 8);
		want[4 * i + 3] = (unsigned char)ref.h[i];
	}
	return memcmp(got, want, sizeof(want)) != 0;
}

static void
test_big_counts(void)
{
	/* The count crossing 2^32 bytes in an update; past 2^32 bytes
	 * (2^35 bits) before; 2^61 - 1 bytes, the most there can be. */
	EXPECT_INT(big_count_wrong(((uint64_t)1 << 32) - 10, 20), 0);
	EXPECT_INT(big_count_wrong(((uint64_t)1 << 32) - 64, 64), 0);
	EXPECT_INT(big_count_wrong(((uint64_t)5 << 32) + 3, 50), 0);
	EXPECT_INT(big_count_wrong(0x0123456789abcdefu >> 3, 7), 0);
	EXPECT_INT(big_count_wrong(((uint64_t)1 << 61) - 100, 99), 0);
	/* The control: a small count, which a 32-bit count also gets right. */
	EXPECT_INT(big_count_wrong(1000, 30), 0);
}

static void
test_hex(void)
{
	unsigned char d[PXR_SHA256_SIZE];
	char hex[PXR_SHA256_HEX_SIZE];

	for (int i = 0; i < PXR_SHA256_SIZE; i++)
		d[i] = (unsigned char)(i * 8 + 7 * (i & 1));
	memset(hex, 'x', sizeof(hex));
	pxr_sha256_hex(d, hex);
	EXPECT_STR_EQ(hex,
	    "000f101f202f303f404f505f606f707f808f909fa0afb0bfc0cfd0dfe0eff0ff");
	EXPECT_INT(strlen(hex), 64);
}

int
main(void)
{
	fill_buf();
	test_fips_examples();
	test_lengths();
	test_cuts();
	test_big_counts();
	test_hex();
	UNIT_DONE();
}
