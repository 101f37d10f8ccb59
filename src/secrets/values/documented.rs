//! Values their owners publish: a provider's documented sample tokens, the
//! keys every local development chain funds.

/// Tokens a provider prints in its own documentation, copied into code and tests
/// as samples (lowercase): they open nothing.
pub(super) const DOCUMENTED_SAMPLES: &[&str] = &[
    // Slack's OAuth v2 guide (api.slack.com/authentication/oauth-v2).
    "xoxb-17653672481-19874698323-pdfzkvetue8sk7oocbrzbqgy",
    // The verification token of Slack's Events API samples.
    "jhj5dzrvak7zwhhjryzwjbdl",
    // NZBGet's default ControlPassword (its `nzbget.conf`): `nzbget` reversed plus
    // its port, the same in every install that keeps it.
    "tegbzn6789",
    // Cisco DevNet's always-on sandboxes (IOS XE, APIC, NX-OS), printed on their
    // public pages and in Cisco's learning labs.
    "c1sco12345",
    // Network images' published default logins (containerlab's and vrnetlab's
    // Cisco ASAv, Nokia SR Linux and SR OS), in every lab built on them.
    "ciscoasa1!",
    "nokiasrl1!",
    "nokiasros1!",
    // The Google API key Debian's and Arch's chromium packages build in (with its
    // OAuth client), printed in their packaging for every user.
    "aizasyckfpopzxdknn8hhgu3jra62wigc93d44k",
    "kdloedmfgdgla2p1zacgjaqh",
    // SuzieQ's default REST API key (its docs: "in fact it's the default").
    "496157e6e869ef7f3d6ecb24a6f6d847b224ee4f",
    // Self-hosted products' published defaults, in their `.env.example` or chart
    // values and so in every copy of their compose files: Dify's `SECRET_KEY`,
    // Weaviate key, plugin daemon and inner API keys; LibreChat's `CREDS_KEY`,
    // `CREDS_IV`, JWT secrets and Meilisearch master key; the Gitea Helm chart's
    // admin password; gluetun's documented WireGuard key.
    "sk-9f73s3ljtxvcmt3blb3ljtqtskighxvcmt3blbkfjlk7u",
    "wvf5ythahlkywhgusmcrgsx3td5ngdn8pkih",
    "qahbte77ctuxmsfyhr7+vrji/+xbv1aafy691iy+kgdv2jvy0/eah8y1",
    "lykiyyt6owg+71olergza7gxcgot++6ovaezwajpcjf+sjc3ztu+quei",
    "f34be427ebb29de8d88c107a71546019685ed8b241d8f2ed00c3df97ad2566f0",
    "e2341419ec3dd3d19b13a1a87fafcbfb",
    "16f8c0ef4a5d391b26034086c628469d3f9f497f08163ab9b40137092f2909ef",
    "eaa5191f2914e30b9387fd84e254e4ba6fc51b4654968a9b0803b456a54b8418",
    "drhyf7zenyr6aluckmnz0eyasoqdl6zxh7s7mkfsffct",
    "r8sa8cphd9!bt6d",
    "woei9rqqbdwnn8/bpp22svz48t71vj4fymfwujulwuu=",
    // Plane's `SECRET_KEY` and `LIVE_SERVER_SECRET_KEY`, Infisical's `ENCRYPTION_KEY`
    // (two versions of its `.env.example`) and `AUTH_SECRET`: published in the
    // products' self-hosting files, and checked for by their own deploy scripts.
    "60gp0byfz2dvffa45cxl20p1scy9xbpf6d8c5y0geejgkyp1b5",
    "2fijk1u2aivpeqtzlehygltsntnrs7lw",
    "6c1fe4e407b8911c104518103505b218",
    "f13dbc92aaaf86fa7cb0ed8ac3265f47",
    "5lrmxkkwcvocs/uerpsl7v+tx/aauai7idkgl3tsmle=",
    // MoMo's published sandbox access and secret keys (partner code `MOMO`).
    "f8bba842ecf85",
    "k951b6pe1wadmi640xx08pd3vg6ekvlz",
    // MSLab's documented password for the throwaway Hyper-V lab VMs it builds (its
    // `LabConfig.ps1`, in every scenario and lab guide built on it), also typed
    // twice where a lab needs twelve characters.
    "ls1setup!",
    "ls1setup!ls1setup!",
    // Telegraf's sample config: the Vault input plugin's example token.
    "s.cddrgg5zpv5ssi0z2p4qxjj2",
    // The Epic Online Services client secrets The Isle (Evrima) and Smalland hand
    // every dedicated-server host, printed in their server guides.
    "pkwl6t5i9njk8gtpvlaxzenz65p8hyzodv8dqe5rlc8",
    "an2gtvw7ahb6hx66hwohnm+qktfao3vtrlsbgdtzzwk",
    // 3GPP TS 33.501 Annex C.4's home-network test keys for SUCI concealment
    // (Profile A and B), in every 5G core's and simulator's sample config.
    "c53c22208b61860b06c62e5406a7b330c2b577aa5558981510d128247d38bd1d",
    "f1ab1074477ebcc7f554ea1c5fc368b1616730155e0041ac447d6301975fecda",
    // Tibber's public demo API token (its developer pages' demo home).
    "476c477d8a039529478ebd690d35ddd80e3308ffc49b59c65b142321aee963a4",
    // Contentful's example app's demo space: the delivery and preview tokens its
    // README and every example app print.
    "580d5944194846b690dd89b630a1cb98a0eef6a19b860ef71efc37ee8076ddb8",
    "e8fc39d9661c7468d0285a7ff949f7a23539dd2e686fcb7bd84dc01b392d698b",
    // Vaultwarden's `.env.template` example `ADMIN_TOKEN` (also in its docs'
    // `docker run` line), copied commented or not into many deployments.
    "vy2vyyttskpv8w5aeowubb/bt3dekepbhmi4m9vcemums2revidownafqyi1xjmp",
    // Psono's documented example server `PRIVATE_KEY` (its install guide's
    // settings.yaml).
    "302650c3c82f7111c2e8ceb660d32173cdc8c3d7717f1d4f982aad5234648fcb",
    // Directus's official compose file's `KEY` and `SECRET`.
    "255d861b-5ea1-5996-9aa3-922530ec40b1",
    "6116487b-cda1-52c2-b5b5-c8022c45e263",
    // The password of the public test LDAP server's users and admin
    // (rroemhild/test-openldap, "Planet Express"), in every LDAP demo built on it.
    "goodnewseveryone",
];

/// Microsoft's KMS client setup keys (GVLKs), published on learn.microsoft.com
/// for every volume-licensed edition to use with a KMS host: Windows 10/11 and
/// Windows Server 2016 to 2025 (lowercase). They activate nothing on their own.
pub(super) const KMS_CLIENT_KEYS: &[&str] = &[
    "nw6c2-qmpvw-d7kkk-3gkt6-vcfb2",
    "2wh4n-8qgbv-h22jp-ct43q-mdwwj",
    "nppr9-fwdcx-d2c8j-h872k-2yt43",
    "dph2v-ttnvb-4x9q3-tjr4h-khjw4",
    "yyvx9-ntfwv-6mdm3-9pt4t-4m68b",
    "44rpn-fty23-9vttb-mp9bx-t84fv",
    "dcphk-nfmtc-h88mj-pfhpy-qj4bj",
    "m7xtq-fn8p6-ttkyv-9d4cc-j462d",
    "qffdn-grt3p-vkwwx-x7t3r-8b639",
    "92nfx-8djqp-p6bbq-thf9c-7cg2h",
    "kbn8v-hfgq4-mgxvd-347p6-pdqgt",
    "tx9xd-98n7v-6wmq6-bx7fg-h8q99",
    "3khy7-wnt83-dgqkr-f7hpr-844bm",
    "pvmjn-6dfy6-9ccp6-7bktt-d3wvr",
    "7hnrx-d7kgg-3k4rq-4wpj4-ytdfh",
    "nbtwj-3dr69-3c4v8-c26mc-gq9m6",
    "cpwhc-nt2c7-vyw78-dhdb2-pg3gk",
    "7nbt4-wgbqx-mp4h7-qxff8-yp3kx",
    "w269n-wfgwx-yvc9b-4j6c9-t83gx",
    "mh37w-n47xk-v7xm9-c7227-gcqg9",
    "6tp4r-gnptd-kyyhq-7b7dp-j447y",
    "yvwgf-bxnmc-htqyq-cpq99-66qfc",
    "nrg8b-vkk3q-cxvcj-9g2xf-6q84j",
    "9fnhh-k3hbt-3w4td-6383h-6xywf",
    "37d7f-n49cb-wqr8w-tbj73-fm8rx",
    "6xn7v-pcbdc-bdbrh-8dqy7-g6r44",
    "tvrh6-whnxv-r9wg3-9xrfy-my832",
    "d764k-2ndrg-47t6q-p8t8w-yp6df",
    "fcnv3-279q9-bqb46-ftkxx-9hprh",
    "xgn3f-f394h-fd2my-pp6fd-8mcrc",
    "wx4nm-kywyw-qjjr4-xv3qb-6vm33",
    "vdybn-27wpp-v4hqt-9vmd4-vmk7h",
    "6n379-ggtmk-23c6m-xvvtc-ckfrq",
    "ntbv8-9k7q8-v27c6-m2btv-khmxv",
    "wmdgn-g9pqg-xvvxx-r3x43-63dfg",
    "n69g4-b89j2-4g8f4-wwycc-j464c",
    "wvdhn-86m7x-466p6-vhxv7-yy726",
    "fdnh6-vw9rw-bxpj7-4xtyg-239tb",
    "grfbw-qndc4-6qbhg-cck3b-2pr88",
    "k9fyf-g6nck-73m32-xmvpy-f9drr",
    "cb7kf-bwn84-r7r2y-793k2-8xddg",
    "wc2bq-8nrm3-fddyy-2bfgv-khkqy",
    "jckrf-n37p4-c2d82-9yxrt-4m63b",
    "qn4c6-gbjd2-fb422-ghwjk-gjg2r",
    "vp34g-4nppg-79jtq-864t4-r3mqx",
    "6nmrw-2c8fm-d24w7-tqwmy-cwh2d",
    "n2kjx-j94yw-tqvfb-dg9yt-724cc",
];

/// The private keys of the ten accounts every Hardhat and Anvil local chain funds
/// (from their documented test mnemonic): printed at every `anvil` start.
pub(super) const DEV_CHAIN_KEYS: &[&str] = &[
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

/// The body of Slack's OAuth v2 guide's sample token, after `xoxb-`.
pub(super) const SLACK_SAMPLE_BODY: &str = "17653672481-19874698323-pdfzkvetue8sk7oocbrzbqgy";
