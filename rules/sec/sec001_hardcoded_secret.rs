use crate::declare_rule;
use crate::rule::{Cx, Rule, Scope};
use crate::secrets;
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Every text file, for credentials in known formats: AWS access key IDs and
    /// secret keys, GitHub and GitLab tokens, Slack tokens and webhooks, Stripe
    /// live keys, Google API keys and OAuth client secrets (`GOCSPX-`), MaxMind
    /// license keys (`…_mmk`), Twilio, SendGrid, npm and PyPI tokens, private
    /// key PEM blocks, signed JWTs, database URLs with passwords, and generic
    /// `password/secret/token/api_key = "literal"` assignments above an entropy
    /// floor, typed declarations among them (`const API_TOKEN: &str = "…"`,
    /// `apiKey: string = '…'`, `val token: String = "…"`, `var token string = "…"`),
    /// and 16 random lowercase letters under a password name (the app passwords and
    /// authorization codes Gmail and QQ Mail issue for SMTP logins; a word chain such
    /// as `mysecretpassword` or a pronounceable run is typed and does not fire), also as
    /// Google shows them, four groups of four letters with their spaces. All patterns are checked in one pass over the file. Framework and
    /// code forms are read too: PHP `define('AUTH_KEY', '…')` (WordPress keys and
    /// salts), the default of an environment lookup (`env.str("SECRET_KEY",
    /// default="django-insecure-…")`, `os.environ.get("API_KEY", "…")`; a URL or a
    /// file's path there, `DEFINE('DEPLOY_KEY', '/var/www/.ssh/…')`, is none), XML elements
    /// and properties (`<password>…</password>`, Hibernate's `<property
    /// name="connection.password">`), and an API client's `.login('user', 'password')`
    /// call.
    ///
    /// A private key counts only with a base64 body that reads random: not `...`,
    /// a template, or filler typed in a pattern (a 2- to 4-character unit five times
    /// in a row, `K6lK6lK6l…`; real keys repeat only zero bytes, `AAAA`), and only
    /// under a label that does not say it is none (`BEGIN THIS IS NOT A REAL PRIVATE
    /// KEY`; `FAKE`, `DUMMY` or `EXAMPLE` in the label). A whole
    /// block (`BEGIN` to `END`) that shows no secret is no key either: an RSA key
    /// holding under a quarter of the bytes its DER header declares (its version
    /// and the start of the public modulus: a first line quoted in an API's
    /// parameter docs, `-----BEGIN RSA PRIVATE KEY-----MIIEpQIB…\\n.-----END RSA
    /// PRIVATE KEY-----`, or a few lines standing for a key in a how-to), or a
    /// body that does not open with a private key's version under a private-key
    /// label (a certificate in a wrong-type test, a public key as a "fake key"). Escaped
    /// line breaks (`\n`) are layout. A nearly whole RSA key still fires (its
    /// primes can be rebuilt from what is shown), and so do cut EC and Ed25519
    /// keys (their secret comes first), blocks without an `END` line, encrypted
    /// bodies and PGP blocks. An OpenSSH key is read up to its first char that is
    /// no base64 (an elision mark such as `<SKIPPED>`): when what is shown ends
    /// before its private section or holds under half of it (a how-to's first line
    /// is only the `openssh-key-v1` header), it is no key. A body that decodes to plain text
    /// (`dGhlc2UgYXJl…`: "these are just some fake … key bytes") is a stand-in.
    ///
    /// A value other scanners were told about stays reviewed: `gitleaks:allow`,
    /// detect-secrets' `pragma: allowlist secret` (and `nextline`), `trufflehog:ignore`,
    /// gosec's and Bandit's `#nosec` (bare or naming G101, B105–B107),
    /// `nolint:gosec` and checkov's `checkov:skip=CKV_SECRET_<n>` suppress the finding
    /// like `devops-lint: ignore[SEC001]`.
    ///
    /// An AWS access key ID opens nothing without its secret key: it fires only in a
    /// file that holds another secret-shaped value, or beside a secret or password
    /// setting within five lines (a Kubernetes env list's `- name: …_PASSWORD`);
    /// alone, as in a backup bucket's Terraform naming the key IDs a policy allows,
    /// it is a name.
    ///
    /// An AWS secret access key is a 40-character value under an AWS-named key; a
    /// reCAPTCHA key of the same length (`6L…AAAA…`) is reported as a generic
    /// secret, not as AWS's.
    ///
    /// Secret names match on word boundaries (`db_password`, `apiKey`, but not
    /// `passwordless`, `secretary` or nginx's `proxy_pass`); keys named for what they
    /// sign, encrypt or license count too (`license_key`, `signing_key`, `AUTH_KEY`,
    /// `NONCE_SALT`, `master_key`, `webhook_key`), other keys do not (`sort_key`).
    /// Names that point at a secret are not secrets (`_arn`, `_file`, `_path`,
    /// `_id`, `_url`, `_type`, `_encryption`, `_charset`, `_selector`, ...), nor
    /// do names of what a key may do or ask for (`API_KEY_RATE_LIMIT`,
    /// `AZURE_ARM_TOKEN_RESOURCE`: `_limit`, `_rate`, `_quota`, `_resource`), nor the
    /// name of a Salesforce Named Credential (`DEFAULT_NAMED_CREDENTIAL`), nor
    /// names that say where the value comes from (Drone's `from_secret`, `envFromSecret`)
    /// or where to look for it (echo's `TokenLookup: "form:_csrf,header:X-CSRF-Token"`).
    ///
    /// Not secrets:
    /// - placeholders (`changeme`, `<...>`, `xxx`, `your_api_key`, `TODO`, `FIXME`,
    ///   values that say to fill them in (`FillInCorrectPassword`) or that they are
    ///   random characters (PHPMailer's `RANDOMCHARS-----…`),
    ///   template markers such as `|||%%PREVIOUS_PASSWORD%%|||`,
    ///   `REPLACE-WITH-AWS-SECRET-KEY` (in base64 too) or `ReplaceWith32Byte…`, empty, dev
    ///   defaults such as `postgres`, `P@ssw0rd123`, `Str0ngP@ss!` or a leetspeak
    ///   `super secret password` or `good password`, instructions such as
    ///   `PutSomeRandomSecureValueHere` (any CamelCase words ending in `Here`), values that say they are for
    ///   tests such as `for-testing`, counting runs up or down such as
    ///   `87654321-4321` or `54321abcde`, in blocks too (`000011112222…ffff`),
    ///   CSS custom properties' names (`--color-aiPrompts`, design tokens),
    ///   walks along a keyboard row (`mnbvcxzlkjhgfdsa`, `qwerty`) or zigzagging
    ///   between the digits and the row under them (`1q2w3e4r`),
    ///   instructions in leetspeak (`S0m3R@nd0mString…`: read back as letters, 24 or
    ///   more, a quarter vowels, speaking of a random string, key or secret; or opening
    ///   with whose secret it is, as Wazuh's documented `MyS3cr37P450r.*-`),
    ///   sentences about the value (`thisISaSECRET_…`, CamelCase ones such as
    ///   `MySecret…ThatShouldBeVery…AndRandom`, German `…Passwort`, Portuguese
    ///   `Senha…`), SQL Server's `sqladmin…`, `!ThisMustBeChanged!`, a change-password
    ///   sample (`N3wP@ssword…`), values that say they are weak (`VERY%@bad…password`,
    ///   `BadAdminPassword!`), leetspeak whose symbols stand for other letters
    ///   (`s$cretf0r…`: "secret for test"), values that say
    ///   to change them (`…ChangeIt…`, `…ChangeThis…`), names of a vault's secrets
    ///   (`APPLICATION_SECRETS=CONTENT-KEYS`),
    ///   keyboard mashes along the home row (12 or more letters, 85% of them
    ///   from `asdfghjkl`, 80% from 20 letters on, such as `KjhsdaSDFkj4471930hgfd`),
    ///   a walk of four to six letters along the keyboard or the alphabet typed twice
    ///   in a row anywhere in the value (`…Zmasdfasdfasdff…`, `…qwerqwer…`)), CSS selectors of form fields
    ///   (`secretAccessKey: '#s3-secret-key'`), AWS's documented `EXAMPLE` keys, a provider's prefix
    ///   on a body too short for any token it issues (`whsec_123`, `ghp_abc`),
    ///   regular expressions (`^.{8,32}$`), a provider's own documented sample
    ///   (the bot token of Slack's OAuth v2 guide; Cisco DevNet's sandbox password),
    ///   pyATS's `%ENV{…}` lookup, and any value (a provider format
    ///   too, but not a private key) holding eight or more digits counting up
    ///   (`xoxb-1234567890-…`, a documentation sample);
    /// - references and expressions: `${VAR}`, `$VAR`, `$$VAR` (make's and
    ///   Compose's escaped `$`), `%env(X)%`, `${env.X}`,
    ///   `{{ secrets.X }}`, `#{...}`, CFML's `#Form.password#`, Spring resource locations (`file:/secrets/…`,
    ///   `classpath:…`), a Key Vault secret's path (`secrets/cert-wildcard-…/`), `$$name` anywhere in a value (CapRover's
    ///   `postmaster@$$cap_root_domain/$$cap_password`), `{env}WEBDAV_PASSWORD` (a lookup naming its
    ///   source), variables, calls, Python entry points and plugins
    ///   (`acme.services.gateway.plugin:ApiKeyProvider`: three or more lowercase
    ///   module names, a colon, an attribute; `john.doe:Passw0rd` still fires),
    ///   Razor expressions in a view (`"@HtmlExtensions.HtmlEncodeSafe(…)"`, or with a
    ///   call and a lowercase head: `"@string.Join(…)"`), Android resource references
    ///   (`?attr/primary_field_03`, `@string/…`), a short value quoted with XML entities
    ///   (Ant's `<replace token="&quot;8080&quot;">`),
    ///   Step Functions and JSONPath paths (`"token.$": "$$.Task.Token"`, `$.detail.token`),
    ///   XML entities that name where the value is defined (`password="&operhash;"`,
    ///   InspIRCd's `<define>`, a DTD's `<!ENTITY>`),
    ///   Ruby instance variables and
    ///   symbols (`@user.token`, `:account_delete_token`), systemd `@name` credentials
    ///   and `LoadCredential=ID:/path` (a file to load), a prefix glued to a shell
    ///   variable (`"AWS4$AWS_SECRET_ACCESS_KEY"`: a `$NAME` of six or more capitals,
    ///   digits and `_` anywhere in the value),
    ///   Rails route targets (`"login#reset_password"`), unquoted CamelCase names that
    ///   say they hold a secret (`TheSecretKeyObtainedFromR2`, `configmapK8sSecret`)
    ///   and the same as the value of a Vue/Angular bound attribute
    ///   (`:login-token="twoFactorLoginToken"`; a quoted one elsewhere is a password);
    ///   any value of an Odoo QWeb `t-att-`/`t-attf-` attribute (`t-att-accesskey="view.…"`,
    ///   `t-att-data-allow-token-selection="bool(…)"`), an expression;
    /// - a resource's name: lowercase words joined by `-`, `_` or `.`, with at most
    ///   two digits, inside a word or as a number after the first word
    ///   (`logical_backup_cronjob_environment_secret: "backups-s3-…"`, a Kubernetes
    ///   Secret's name; `file_signing_key = "distro-41-…"`, a signing key's name);
    /// - a path, absolute or relative, regex captures allowed (an nginx location's
    ///   `pass: "/api/1/report/$2/…"`);
    /// - a theme's design-token paths (`token: 'background.surface0'`,
    ///   `color.gray.100`: dotted lowercase words with a step number);
    /// - schema and type definitions (CUE, JSON Schema, TypeScript, GraphQL types;
    ///   CUE `#Definition` references; SQL column types such as `"id_token" =>
    ///   "VARCHAR(1000)"`);
    /// - rate limits under a secret-like name (`"reset_password": "20/m/ip,5/5m/key"`,
    ///   `100/day`: a count per period, optionally per scope);
    /// - a JWT's header glued to a word (`eyJhbGciOiJSUzI1NiJ9.oidcpayload`): its
    ///   payload decodes to no JSON object, so no issuer signed it; a JWT whose
    ///   `sub` counts up (`1234567890…`: jwt.io's sample, a test's made-up user); a
    ///   JWT whose issuer or audience is an example (`urn:example:issuer`, RFC 7519's,
    ///   or a documentation host such as `https://api.example.com`);
    /// - prose: UI labels and their translations in any language (`API-Token`,
    ///   `Webhook-Geheimnis`; under `locale/`, `i18n/`, `lang/`, `language/`, …),
    ///   translation and message keys
    ///   (`ra.validation.passwordDoesNotMatch`, `fields:showPassword`, words joined
    ///   by `_` such as `app_navigationTree_group_label`; a random run such as
    ///   `api_org_Qwhz…` is no word and still fires), e-mail
    ///   addresses, regular expressions;
    /// - public and test-mode values: Stripe test keys, publishable keys of any vendor
    ///   (`pk_…`, the public half of a `pk_`/`sk_` pair: Stripe, Clerk, Paystack,
    ///   logo.dev's image URLs), other
    ///   keys whose short prefix says test mode (`rzp_test_…`, `wh_test_…`), browser
    ///   RUM/analytics client tokens (Datadog `pub…`, the token of Cloudflare Web
    ///   Analytics' `data-cf-beacon`, a `web_analytics_token`, `ANALYTICS_KEY` or a
    ///   Segment write key (`SEGMENT_API_KEY`, shipped in every client); an
    ///   `ANALYTICS_API_SECRET` still fires), payment, card, order and checkout
    ///   tokens (`paymentToken = 'EC-…'`: a checkout's ID that travels in redirect
    ///   URLs; a `payment_api_token` still fires), cart and version tokens (a
    ///   `version_token` guards concurrent edits), a token that repeats an ID within
    ///   three lines (`token:` and `response_id:` with the same value), the
    ///   verification token of Slack's documented Events API samples, `*_public_*` names, Plaid
    ///   sandbox tokens, Google's documented reCAPTCHA test keys, UUIDs, git SHAs,
    ///   the MD5, SHA-1 or SHA-256 hex digest of the empty string or of a word
    ///   every sample uses (`hello`, `test`, `password`, `PASSWORD`, `admin`, …: a plugin
    ///   sample's `valid_token`), digests and password hashes (bcrypt, crypt(3), PBKDF2, argon2,
    ///   a short salt, `$` and a hex digest as web.py and Django's legacy hashers
    ///   store them (`ffe5d$98df…`, `sha1$a1976$a36c…`), and crypt forms behind
    ///   Compose's escaped `$` (`$$2b$$10$$…`: a bcrypt salt), Cisco IOS type 8 and 9
    ///   secrets (`$9$`, a 14-char salt, `$`, a 43-char hash; Juniper's reversible
    ///   `$9$…` still fires), ASP.NET Core Identity hashes (`AQAAAAEAACcQ…`: base64 of a format byte, PRF, iteration count and a
    ///   16-byte salt's length), AWS KMS ciphertext blobs (`AQICAH…`: base64 of KMS's
    ///   header, then CMS `EncryptedData`, as Datadog's `DD_KMS_API_KEY` holds it: only
    ///   KMS opens it), dates and times (`2023-04-06T11:12:00Z`, a rotation's),
    ///   the `hmac-sha256:…` a Vault audit log writes for every sensitive value, and any value
    ///   under a name that says it is hashed: `hashed_password`, detect-secrets'
    ///   `hashed_secret`, a Helm chart's `checksum/secret:` annotation, a checksum
    ///   manifest's entry keyed by a file's path
    ///   (`'./Api/OAuth2/AccessTokenEntity.php' => '0c3f…'`); a hash in a credential store is SEC005's; an encrypted
    ///   secret still fires, as its key is usually beside it, except a value
    ///   encrypted for a CI service: base64 of exactly one RSA block (128, 256,
    ///   384 or 512 bytes) in a file that declares `secure` values, as Travis'
    ///   `"secure": "$(TRAVIS_SECRET)"` does, since only the service's own private
    ///   key opens it);
    /// - under top-level `development:`/`test:` keys of a YAML config (Rails
    ///   `secrets.yml`), the per-environment development defaults; in the block
    ///   scalar of a YAML documentation key (`description: |`, `details: |-`,
    ///   `help:`, `example:`, `notes:`, …): prose and its code samples (a settings
    ///   schema's `NAPALM_ARGS = {'api_key': …}` example); a config file's block
    ///   (`app.conf: |`) is still read;
    /// - in a commented-out block (`#` or `//` lines), a value within three lines
    ///   of a documentation host in the same block (`#   domain: example.com` above
    ///   `#   password: e532…`): a README's sample entry; without one it still fires;
    /// - a map or Firebase web key under a name the frontend's bundler ships to every browser
    ///   (`NEXT_PUBLIC_GOOGLE_MAP_KEY`, `VITE_KAKAO_MAP_KEY`: `NEXT_PUBLIC_`, `VITE_`,
    ///   `REACT_APP_`, `NUXT_PUBLIC_`, `EXPO_PUBLIC_`, `GATSBY_`, `VUE_APP_` with a
    ///   `MAP`/`MAPS` word, or a `FIREBASE` word and a name ending in `_KEY`:
    ///   `VITE_FIREBASE_API_KEY`): referrer-locked or rule-guarded web keys; other
    ///   tokens under such names (`VITE_FIREBASE_ADMIN_TOKEN`) still fire;
    /// - a value its own line comment calls a stand-in (`"13e5…",  # noqa: mock`,
    ///   `# dummy 64-byte base58 encoded key`, `// fake`, `# not a real key`,
    ///   Synapse's sample `# DO NOT USE THIS`), and a
    ///   key in a map tile URL template (`…/{z}/{x}/{y}.mvt?api_key=…`: a tile
    ///   server's browser key, shipped in every map style); Algolia DocSearch and
    ///   search-only keys by name (`docsearch_api_key`, `SEARCH_ONLY_API_KEY`);
    /// - vendors' documented product defaults (NZBGet's `tegbzn6789`);
    /// - markers named for standing in a secret's place (`REDACTED_CREDENTIAL_VALUE`,
    ///   `masked_password`, `placeholder_token`, `*_sentinel`), and anonymous
    ///   logins, shared with everyone by design (`anonymous_user_password`,
    ///   `*_anon_key`);
    /// - a body typed as one unit over and over, in any case, even after a
    ///   provider's prefix (`rk_live_TESTtestTESTtestTESTtest`, `abc123abc123abc123`);
    /// - a PEM block under a DER key label (`RSA PRIVATE KEY`, `PRIVATE KEY`, …)
    ///   whose body decodes to a SEQUENCE with a length form no key has: a stand-in
    ///   typed to look like base64 (`MIIE` becomes `MOCKKEY…`), and a PEM body broken
    ///   on purpose (Authelia's template keys end in `^invalid..` and `DO NOT USE==`:
    ///   no base64 holds a `^`, a random body spells `invalid` once in 10^7 keys);
    /// - an Nx Cloud read-only access token (base64 of `<uuid>|read`), which Nx
    ///   documents committing to `nx.json`; a `|read-write` token still fires;
    /// - ciphertext committed by design: SOPS values (`ENC[AES256_GCM,…]`), dotenvx
    ///   values (`encrypted:…`), Ansible Vault blocks (`$ANSIBLE_VAULT;…`) and Bitnami
    ///   Sealed Secrets' `encryptedData` (base64 of a sealed session key's length, 128
    ///   to 512, the key, then AES-GCM output: only the cluster's controller opens it);
    ///   Talos' documented sample
    ///   `aescbcEncryptionSecret` (in the commented reference of every generated
    ///   config); Microsoft Edge's read-aloud `TrustedClientToken` (every Edge
    ///   browser sends it); a JWT signed with Supabase CLI's documented local
    ///   secret (its demo `anon` and `service_role` keys, the same in every
    ///   local install); the private keys of the ten accounts every Hardhat and
    ///   Anvil local chain funds (printed at every `anvil` start);
    /// - a compose file's typed password for a datastore the file starts itself
    ///   (`image: mysql` with `MYSQL_ROOT_PASSWORD: …2022!`, SQL Server's
    ///   `SA_PASSWORD`): that local container's default; a generated one, or one for
    ///   an image the file does not start, still fires;
    /// - a users row's `remember_token` (Laravel's "remember me" column) in seed or
    ///   dump data;
    /// - names, not values: the name of a key inside a Secret that the line above or
    ///   below names (`secret: "{{ .Release.Name }}-keys"` then `secretKey: keysRSA`),
    ///   or an ExternalSecret maps to the store's (`- secretKey: …Password` then `remoteRef:`);
    ///   Helm's `existingSecret` (`existing_*` names a Secret
    ///   already in the cluster); a chat widget's `websiteToken` or a `widget_key`
    ///   (it ships in every page; a `website_secret` still fires); a value that is
    ///   the first label of a URL's host within three lines (`apiKey: llama-strix`
    ///   beside `apiBase: http://llama-strix.llm:8080`: a local server's name);
    ///   an identifier the same file declares as an entry (`azuread_app_key =
    ///   "caf_…_level0"` beside `caf_…_level0 = {`, commented out or not); a value in a block whose key says it holds names or IDs
    ///   (`launchpad_key_names = { keyvault_client_secret = "aadapp-…" }`); a Windows
    ///   answer file's `<settings pass="offline…">` (a configuration pass); camelCase
    ///   words ending in the setting's own last word, with another setting within three
    ///   lines filled the same way (`smtp_auth_password: 'sender…Password'` beside
    ///   `smtp_auth_username: 'sender…name'`: a template's names; alone it fires);
    /// - a typed password within four lines of a user name that is itself a stand-in
    ///   (`vcloud_username=YOUR-UPLOAD-USER`); beside a default account (`root`) it
    ///   still fires;
    /// - in docs and examples, a Secret manifest's base64 `data:` is judged by what it
    ///   encodes (a typed `acm3r0ck5!…` is a sample there; a generated one fires);
    /// - Firebase mobile configs: an `AIza…` key beside `GCM_SENDER_ID` (the iOS
    ///   plist) or `gcm_defaultSenderId`/`google_app_id` (Android resources the
    ///   google-services plugin writes), `messagingSenderId` or FlutterFire's
    ///   `FirebaseOptions(` in the file; a Google API key whose comment calls it
    ///   public (`// Public API key used by BotGuard`);
    /// - Apple's UI text (`*.lproj/`, `.strings`, `.stringsdict`, `.xcstrings`) and
    ///   catalogs named for a UN M.49 region (`es_419.json`); a `%{name}`
    ///   interpolation;
    /// - in a CSV or TSV data file, a token in a recorded URL's query (an
    ///   evaluation set's source links): data about public pages;
    /// - the key in a QQ group's join link (`qm.qq.com/cgi-bin/qm/qr?…&authKey=…`,
    ///   `jq.qq.com`): every invitee is sent it;
    /// - a script without an extension whose shebang runs Python, Ruby, Node, Perl
    ///   or PHP is read as code (an ExternalSecret's `"secretKey": "…_s3_bucket"` is a name there);
    ///   a generated literal in it still fires;
    /// - a connection URL whose password is its user name (`loader:loader@localhost`,
    ///   or in leetspeak: `passbolt:P4ssb0lt@db`, or on a local or private host with up
    ///   to three chars after it: Kamailio's `kamailio:kamailio…@192.168.1.2`; on a
    ///   hosted database `mike:mike…@…mlab.com` still fires),
    ///   or a person's password on a container or local host (a name then digits,
    ///   with or without a separator: `Karim_…`), under any name (a
    ///   `db_dsn` as for the `database-url` format); a generated one still fires;
    ///   a connection URL in a Python docstring's usage example;
    /// - a Slack incoming webhook whose secret part is not 24 characters (a how-to's
    ///   made-up `…/TDHEI123WUEE`);
    /// - in a line comment, a token in the query of a URL to a local host (`//
    ///   "url": "http://localhost:6789/…?api_key=…"`: a recorded local request); a
    ///   link to a public host keeps its token;
    /// - Amplitude and Mixpanel project keys by name (`AMPLITUDE_API_KEY`: shipped in
    ///   every client that sends events); Shopware sales-channel access keys
    ///   (`SWSC…`: the Store API's public key; `SWIA…` integration keys still fire);
    /// - Slack's documented OAuth sample under any token type (`xoxp-17653672481-…`);
    ///   Mapbox public tokens (`pk.eyJ…`; `sk.` ones are secret); PostHog project
    ///   keys by name (`REACT_APP_POSTHOG_TOKEN`); letters and digits counting up in
    ///   step (`a1B2c3D4e5…`, a mockup's token), or five or more such pairs up or
    ///   down anywhere in a value (`…f9e8d7c6b5a4…`: a stand-in typed to look like
    ///   hex); base64 of a URL (`aHR0cDovL2xvY2FsaG9zdDo4MDgw…`) or of a PEM header's
    ///   start (`LS0tLS1CRUdJTiBDRVJ=`, a fixture's filler);
    /// - a provider-format key given to a name that calls it an example or a
    ///   stand-in (`api_secret_key_example: 'sk_live_…'` in a form's hint; a
    ///   `STRIPE_TEST_KEY` that is live still fires); a value under a comment that
    ///   asks for your own (`# PUT YOUR OWN SECRET KEYBASE HERE`);
    /// - a signed URL's credential scope (`X-Amz-Credential=…/aws4_request`,
    ///   `X-Goog-Credential=…%40….iam.gserviceaccount.com/…/goog4_request`): a key ID
    ///   or an account's e-mail, not a secret;
    /// - a password typed in leet and read back as words (`myAwEsOm3pa55@w0rd`: an
    ///   `@` between words may be a separator); in a connection URL the password
    ///   runs to the authority's last `@` (`user:myAwEsOm3pa55@w0rd@db`);
    /// - test data builders (`factory.ex`, `user_factory.rb`) and Cucumber's
    ///   `features/support/` and `features/step_definitions/` are tests;
    /// - a key in the `themeConfig` block of a Docusaurus config (a search or chat
    ///   widget's, such as Inkeep's: the theme's settings are bundled into every
    ///   page); the config's other blocks keep their keys;
    /// - the `apiKey` of an Inkeep search-and-chat widget's settings
    ///   (`InkeepBaseSettings` within six lines above: a docs site's client key);
    ///   a Google Analytics 4 Measurement Protocol secret in a collect URL
    ///   (`/mp/collect?api_secret=…`) or within two lines of a `measurement_id`
    ///   (it only sends events to that stream, from every install); an
    ///   `api_secret` with no measurement ID still fires;
    /// - an Ethereum address (`0x` and 40 hex digits, `nativeCurrencyTokenAddress`):
    ///   public by nature; a private key (`0x` and 64 hex digits) still fires;
    /// - base64 that decodes to a public key or a certificate in DER
    ///   (`MIGfMA0GCSqGSIb3DQEBAQUAA4GN…` under `JWT_SECRET_KEY`: a SEQUENCE that opens
    ///   with another, where a private key opens with its version), to a PEM block
    ///   with no key in its body (`LS0tLS1CRUdJTi…` of a `BEGIN RSA PRIVATE KEY` block
    ///   whose body is `YYYY…`, read as far as it decodes when the tail is mangled) or
    ///   to a placeholder (`…_CHANGE_ME_IN_PRODUCTION`); base64 of a whole private key
    ///   still fires;
    /// - substitution markers filled in at build time (`@prom_token@`, autoconf's
    ///   `@DB_PASSWORD@`: an environment or snake_case name between `@`s; `@Pr0m9…@`
    ///   still fires) and a format note's next key (`/domain=` in `username=/password=/domain=`);
    /// - a value that a note on its own line introduces as an example (`# … e.g.
    ///   WORKSPACE_TOKEN=…`, `for example`, `for instance`), or whose trailing comment
    ///   starts by saying to replace it (`JWT_SECRET=… # Replace with a secure JWT
    ///   secret key`); another trailing note does not hide it;
    /// - TinyMCE Cloud's `apiKey` in a file that loads TinyMCE (`<Editor apiKey=…>` of
    ///   `@tinymce/tinymce-react`) and Snipcart's (`apiKey` of `gatsby-plugin-snipcart`,
    ///   `data-api-key`, `publicApiKey` in a file that loads Snipcart): a widget's browser
    ///   key, bound to the site's domains; an `apiKey` elsewhere still fires; a Firebase web app's ID beside an
    ///   `AIza…` key (`FCM_APP_ID: "1:…:web:…"`) marks a web config too;
    /// - names ending in `_filter`, `_style` or `_css` (`SECRET_VISUAL_MASK_BLUR_FILTER =
    ///   "blur(6px)"`: how a secret is shown on a page);
    /// - Tilt files (`Tiltfile`, `*.tiltfile`) are a local development cluster's
    ///   setup, read as tests: a made-up login there does not fire, a provider
    ///   format (a live key, a private key) does;
    /// - a debconf question's name (`percona-server-server-5.7/re-root-pass`: words
    ///   joined by `/` as by `-`); the AzureRM provider docs' sample admin password
    ///   (`H@Sh1CoR3!`);
    /// - an installer's token (`define('SECRET_SALT','%CONFIG-SIRI')`, `%ADMIN_PASS%`);
    ///   a quoted literal the code glues a variable to (`'gpgauthv1.3.0|36|' .
    ///   $token->value`, `"Bearer " + token`: a piece of the value; a provider's key
    ///   keeps firing); a commented value under a note that asks for your own
    ///   (`# Please add secret key here`, `# update the following two lines`; a note
    ///   asking for other settings, `## Add new policies as explained here`, does not
    ///   count);
    /// - an encrypted private key's fragment (`ENCRYPTED PRIVATE KEY` whose body holds
    ///   under a quarter of the bytes its DER header declares: a test's first lines
    ///   of one); a whole encrypted key still fires;
    /// - a person's password passed to the container a command starts (`docker run -e
    ///   SA_PASSWORD=… mssql` in a shell alias or script, on one line or continued
    ///   with `\`): a local throwaway's; a generated one still fires;
    /// - a Java resource bundle named for its locale (`messages_si.properties`,
    ///   `messages_pt_BR.properties`) is UI text, as other catalogs are;
    /// - a placeholder whose words are each in one case (`natrail_PASSWORD`); names
    ///   ending in `_manifest` or `_address` (where a Secret is written, a contract's
    ///   address); a SQL script whose name says demo, example or test
    ///   (`b00_create_db_demo.sql`) is read as one; in a Kubernetes Secret, a password
    ///   whose base64 repeats a value set under a plain key (`POSTGRES_USER` and
    ///   `POSTGRES_PASSWORD` both `debezium`: a demo's login);
    /// - UI text in a locale's folder (`snippet/de_DE/`) or a module's locale catalog
    ///   (`storefront.de-DE.json`);
    /// - values placed as samples: under `example:`/`examples:`/`x-examples:` of an
    ///   OpenAPI document (keys quoted or not; a sample list may sit at its key's
    ///   own indent; a generated spec may sort `openapi:` last); the `apiKey` of a docs site's Algolia search config
    ///   (`algolia: { appId, apiKey, indexName }`: it ships to every browser, so it
    ///   is the search-only key, which Algolia documents as public); Devise's
    ///   commented-out `# config.secret_key = '…'` (its generator's suggestion;
    ///   Devise reads `secret_key_base`); Phoenix/Plug `signing_salt` and
    ///   `encryption_salt`, under any prefix (`cookie_signing_salt`,
    ///   `LIVE_VIEW_SIGNING_SALT`; generated into `config/config.exs` and committed by
    ///   design; without `secret_key_base` they derive nothing); a salt with a hash
    ///   on a line next to it (`secret_salt:` above `secret_hash:` in a token record:
    ///   the salt of a stored hash; WordPress' `NONCE_SALT` alone still fires);
    /// - records, not credentials: `userid:2` (a field, a colon, a number);
    /// - a Firebase Cloud Messaging registration token (22 characters, `:APA91b`,
    ///   the rest: the address of one app install, as a debug `.http` request
    ///   sends it); a legacy server key (`AAAA…:APA91b…`) still fires; a .NET
    ///   strong name's public key token (16 hex digits on a line with `PublicKey=`,
    ///   as a Mono `machine.config`'s `<map Token=… PublicKey=…/>`);
    /// - code: GDScript reading a node (`%Password…Edit.text`, `$Form/Password.text`),
    ///   and what follows a comma or `+` that ends a literal part (an ARM template's
    ///   `concat(…, ';AccountKey=', listKeys(…))`); WebLogic Deploy Tooling's tokens
    ///   (`@@PROP:…@@`, `@@SECRET:…@@`, `@@ENV:…@@`, `@@FILE:…@@`);
    /// - camelCase notes that the real value lives elsewhere (`somethingElse…InProd`,
    ///   `…ForProduction`); letter and digit runs in any case (`Abcd12…`), after a
    ///   short prefix too (`nhu_aaabbb…`); a value a comment right above calls a
    ///   sample (`// … defined below is sample one`, `# fake key`);
    /// - a password that is its user name within four lines, in a JAAS line
    ///   continued by `\` too (`username="connect…" \` then
    ///   `password="connect…"`), or a folder or file name of its path followed by
    ///   lowercase words (`icingaweb2api…` in `manifests/icinga/`): a demo's;
    ///   generated ones still fire;
    /// - keys every client holds: RevenueCat's public SDK keys (`appl_…`, `goog_…`,
    ///   `amzn_…` and 27 characters), a Web Push subscription's or VAPID public key
    ///   (base64url of a 65-byte P-256 point opening with `0x04`); a Google Maps key
    ///   in a page, an app's resources or a link still fires, as any `AIza…` key
    ///   outside a Firebase config does (restricting it is its owner's job);
    /// - self-hosted products' published defaults, copied into every compose file of
    ///   theirs (Dify's `SECRET_KEY` `sk-9f73…`, LibreChat's `CREDS_KEY` and JWT
    ///   secrets, Plane's and Infisical's keys, the Gitea Helm chart's admin
    ///   password, gluetun's sample WireGuard key, MoMo's sandbox keys) and JWTs signed
    ///   with Supabase's self-hosting example secret; Cloudron's `##NAME##` markers;
    ///   CamelCase instructions (`SomeRandomString…Exactly`); Liberty's `{xor}`
    ///   encoding, judged by what it decodes to (`{xor}Lz4s…` is `password`);
    /// - a hex digest on a line that also names a `username` (an ORM call writing a
    ///   users row: the hash); a typed password in a URL to the local host on its own
    ///   line (`mssql://localhost/app_test?…&password=…`); a word then digits and a
    ///   few letters for a database the compose file starts, where a compose file is
    ///   any YAML file with top-level `services:` and an `image:` (JHipster's
    ///   `src/main/docker/postgresql.yml`); a commented value under a note that gives
    ///   its format (`# …, which has the format:`);
    /// - network images' published logins (containerlab's Cisco ASAv and Nokia SR
    ///   Linux / SR OS defaults), SuzieQ's default API key and the Google API key
    ///   Debian's and Arch's chromium packages build in; Azure DevOps'
    ///   replace-tokens markers (`__AP_…Password__`, `__TMP__/ca.key`); Erlang
    ///   macros (`?TOKEN_TAB`); a call chained on a call between two string pieces
    ///   (`").append(account.Password).append("`); a cipher's name (`aes-256-cfb`);
    ///   an anchored validation pattern (`/^.{5,60}$/`); OpenPGP messages (Renovate's
    ///   `encrypted` settings) and rspamd's `$2$…$…` password hashes; values that say
    ///   they are no key (`…NotARealKey…`, `unused-…`) or read as a phrase with its
    ///   scope (`thisisaverylong…=TestProvince`);
    /// - names that say what the value is instead: a conversation's or change
    ///   stream's position (`assistToken`, `resumeToken`), how a password is checked
    ///   (`PASSWORD_AUTHENTICATION`), a password's digest under a hash's name
    ///   (`GRAYLOG_SHA256_PASSWORD`) or under a note that calls it one (`# This is a
    ///   MD5 password digest`; not a note about a key), an OpenPGP key ID under a
    ///   signing-key setting (Git's `signingKey = 3F0A…`, 8, 16 or 40 hex digits), an
    ///   S3-style access key ID (capitals and digits) alone in its file, an
    ///   attribute map's camelCase names (`secret = 'radius…Secret'` beside `ipaddr
    ///   = 'radius…Identifier'`), an SQL login's password made of the login's name
    ///   (`CREATE LOGIN readonly_user WITH PASSWORD = 'Read…'`);
    /// - a commented value under an `# Example:` heading; a password's hex digest in
    ///   a log line of an XML comment; the login an e-mail message quotes (a file
    ///   opening with `From:`, `Subject:` and a transport header); a token the
    ///   comment block above asks the reader to update to their own;
    /// - where the file sits: a CI pipeline that deploys nothing runs the app to
    ///   test it, so the app's own signing key there (`APP_SECRET_TOKEN`) is the test
    ///   run's; the services a CI run starts, configured in a folder of `.ci/`; test
    ///   scripts named `*-test.sh` or `*-tests.*` (not CI pipelines), Bats suites and
    ///   folders named for testing (`Docker-env-testing/`); defaults files named
    ///   `<name>.default.<ext>` or `<name>.sample.<ext>` are samples, where only
    ///   generated values count;
    /// - test classes named as JUnit, PHPUnit, XCTest, Apex, Spock and ScalaTest name
    ///   them (`SalesDashboardTest.cls`, `UserServiceTests.swift`, `LoginSpec.groovy`;
    ///   not `latest.php`) are tests;
    /// - values their owners publish: MSLab's documented lab password,
    ///   Microsoft's KMS client setup keys (GVLKs) for Windows 10/11 and Windows
    ///   Server 2016-2025, Telegraf's sample Vault token, the Epic Online Services
    ///   secrets The Isle and Smalland give every server host, Tibber's demo token,
    ///   Contentful's example-app tokens, 3GPP TS 33.501's SUCI test keys;
    /// - markers and references: `@@FD_PASSWORD@@`, Nix's `@btcRpcPassword@`,
    ///   TeamCity's `credentialsJSON:<uuid>`, Cosmos IBC denominations
    ///   (`ibc/<64 hex>`), a key file's name built from a variable
    ///   (`logs-rsa-private-$ENVIRONMENT.pem`); values that say they are garbage
    ///   (`…thisisgarbage`); leet placeholder words whose one last leet digit is a
    ///   letter (`s0up3r…7`, `cHange…PasswOrD`); letters and digits that
    ///   count up, letters wrapping `Z` to `A` (`1ABC2DEF3GHI…`); three or more of
    ///   the key's words in another order (`$CWApiKeyPrivate = "CwPrivateKey"`);
    /// - in a CI pipeline, a key sent in a request to the runner itself (`curl
    ///   http://127.0.0.1:9180/… -H 'X-API-KEY: …'`, on one line or continued with
    ///   `\`): the admin key of the server the job started; the same key sent to a
    ///   remote host fires;
    /// - a password in one of three or more person records (an `email` and a
    ///   person's detail such as `firstName`, `birthDate` or `phone` within eight
    ///   lines: DummyJSON's users); a NixOS option's `example =` block; a JWT whose
    ///   payload names only an account or site (a widget's embed key); a token
    ///   within two lines of a Shopify Storefront API endpoint
    ///   (`*.myshopify.com/api/`, not `/admin/api/`); one RSA block (128-512 bytes,
    ///   base64) in a file that configures Staticman or reCAPTCHA (the encrypted
    ///   form); a name then a date for a local database (`Name/ddmmyyyy` with
    ///   `host: 127.0.0.1`); Yesod's `_env:NAME:default` lookups, whose default is
    ///   judged on its own (under 8 characters or a placeholder: a dev default);
    /// - held-out rounds 136-144: the query of a presigned URL (`X-Amz-Signature` or
    ///   `X-Goog-Signature` in it: a Lambda export's code location with a session's
    ///   `ASIA…` key ID and `X-Amz-Security-Token`, expired with the link); CSS
    ///   custom properties (`var(--web-green-700)`); Vault KV paths (`kv/…`, in an
    ///   Ansible `hashi_vault` lookup); a CodeBuild buildspec's `secrets-manager:` and
    ///   `parameter-store:` values (where the secret is read from); a URL host with an
    ///   octet over 255 (`44.44.44.444`, a masked example); a PEM block whose body is
    ///   base64 of plain text under any label (`fake-show-what-pem-looks-like`); a
    ///   `docker run` continued with PowerShell's backtick; a typed password in a
    ///   command run inside a local container (`docker compose exec … --password=…`;
    ///   a generated one fires); a shell script's value that expands a variable
    ///   (a `--secret=id=` flag built from `$name`s; not in single quotes); names of patterns
    ///   (`SECRET_KEY_PATTERNS`) and of prices
    ///   (`MODEL_TOKEN_PRICES`), of a binding (`credentialBinding`: which stored secret a
    ///   deployment binds), of a credential's lifecycle and of magic sentinel
    ///   values; `TOKEN_SECRET`, a bare `SECRET` and Strapi's `APP_KEYS` as an
    ///   example's own signing keys; camelCase notes with a participle
    ///   (`alreadyRotatedPassword`); Intercom's mobile SDK keys (`ios_sdk-…`); a
    ///   constant named `Testing…`; a compose password that is its folder's tool in
    ///   leetspeak (`d1r3ctu5` in `.directus/`); published values (Vaultwarden's
    ///   template `ADMIN_TOKEN`, Psono's example `PRIVATE_KEY`, Directus's example
    ///   `KEY` and `SECRET`, the public test LDAP server's `GoodNewsEveryone`);
    ///   folders of made-up data and local setups (`dummy/`, `seeds/development/`,
    ///   `overlays/local/`, chart values for Tilt, a local or a minikube cluster
    ///   (`values-tilt.yaml`, `values-local.yaml`), `ci/kubetest/`), Scribe's generated
    ///   API docs (`.scribe/`) and Sorbet's gem stubs (`sorbet/rbi/`); values in an
    ///   object given as an API's sample body (`"example": {`, `example={` on the line
    ///   or opening the object: OpenAPI request examples, flask-smorest docs); the key
    ///   or token in an object named for a browser analytics SDK (`"amplitude": {
    ///   "apiKey": …`, also Mixpanel, Segment, PostHog); Bytescale's `public_` keys;
    /// - in a Kubernetes `kind: Secret`, base64 is judged on what it decodes to:
    ///   under 8 characters, a placeholder, a known non-secret such as an LDAP
    ///   distinguished name (`uid=…,ou=people,dc=…`: MinIO's LDAP console access
    ///   key is a user's name), or the manifest's own `name:`/`type:`
    ///   word (`c3RvcmFnZW9z` is `storageos` in `storageos-secret`) is a demo value.
    /// - constants that hold their own name: the value spells two or more
    ///   consecutive words of its key (`MODEL_RESOURCE_TOKEN = 'resourceToken'`,
    ///   `stsLDAPPassword = "LDAPPassword"`, `AUTHENTICATION_TOKEN_KEY =
    ///   'jhi-authenticationToken'`), header names (`X-Minio-…-Sealed-Key`), names
    ///   ending in `_identifier`, `_enc`, `_alg`, `_claim`, `_list`, `_history`;
    /// - the quoted value of a bound attribute when it is code
    ///   (`[password]="pdfPassword()"`, `[passwordToCheck]="ref.value"`);
    /// - values masked or zeroed in the middle (8+ of one character in a row:
    ///   `GOCSPX-2k8gsR0000000000000000VNahJj`), values that say they are none
    ///   (`not-a-secret`) or what they are for (`test-githubID`, `fake_…`, `dummy-…`),
    ///   format strings (`%s`), Symfony container parameters
    ///   (`%kernel.project_dir%/config/jwt/private.pem`), SigV4 credential scopes (`…/aws4_request`), validation
    ///   rules (`required|confirmed|min:16`, `required_if:change_password,true`), file names (`ca.ecdsa.P224.pem`),
    ///   numbered names (`variable-2`), and an environment variable's name given as a
    ///   lookup's second argument (`requireEnv("LINEAR_API_KEY", "LINEAR_ACCESS_KEY")`);
    /// - public keys by design: PostHog project keys (`phc_…`), Supabase `anon` JWTs,
    ///   the `apiKey` of a Firebase web config (an `AIza…` key with `authDomain`, a
    ///   `*.firebaseapp.com` host or a regional `*.firebasedatabase.app` Realtime
    ///   Database URL within a few lines) and of a Firebase mobile config
    ///   (`google-services.json`'s `current_key`, an iOS plist's `API_KEY` beside
    ///   `GOOGLE_APP_ID`): all ship inside the app;
    /// - in a program's source (`*.ts`, `*.js`, `*.go`, `*.py`, `*.rb`, `*.php`,
    ///   `*.java`, `*.groovy`, ...), a sample response in an API annotation's
    ///   multi-line example (`examples = @ExampleObject('''{ "authToken": … }''')`),
    ///   and an unquoted value outside any string literal: a type or a
    ///   variable (`serviceTokenCiphertext: Uint8Array`), never a literal; a value
    ///   inside a `/* … */` comment opened at the start of a line is a documented
    ///   sample (a provider's reply shown above the function that parses it), but
    ///   a link with a token in its query (`…/manage?token=…`) still fires; names
    ///   ending in `_ciphertext` or `_encrypted` hold the encrypted form;
    /// - one line of thousands of characters in any file (a minified bundle, a
    ///   diagram's JSON): generated data, except provider formats and private keys;
    /// - labels with `:` (`Key:payment:i-pass`), Laravel validation rules built in
    ///   code (`'confirmed|'.$rules`), `my…password` placeholders, OpenAPI `$ref`
    ///   paths (`#/components/schemas/…`), code around calls (`'".Token::get()."'`,
    ///   a call spliced into a string: `` `{"access_key": `+strconv.Quote(v)+`}` ``),
    ///   a URL whose password is a placeholder (`DSN=postgres://kratos:secret@db`),
    ///   and rendering passes (`hwScaleFilterFirstPass`, `two_pass`: not a password);
    /// - shell tests that compare an expanded variable (`test "$linkmode,$pass" =
    ///   "lib,link"`): nothing is assigned;
    /// - JWTs, under any name (`X-Access-Token: eyJ…` in a debug `.http` file), that have expired (`exp` in the past: the issuer refuses them) or are
    ///   HMAC-signed (`HS256`/`HS384`/`HS512`) with a sample secret (`secret`,
    ///   `12345`, jwt.io's `your-256-bit-secret`, `jsonwebtoken`'s `shhhhh`, a
    ///   dozen more): anyone can mint them, so they open nothing; and any
    ///   value (but a provider format) on a line with a URL on a documentation host
    ///   (`https://auth.example.com/reset?token=…`), a typed value (not a generated
    ///   one) within three lines of a documentation host (`SMTPEndpoint: smtp.example.com`
    ///   above `SMTPPassword: mailUser…123`: a sample setup), or under a `placeholder`,
    ///   `example`, `sample` or `hint` key or attribute (`'placeholder' => 'mongodb+srv://…'`,
    ///   `placeholder="eg: postgresql://user:…@host"`: an `eg:`/`e.g.` inside the string too);
    /// - a person's password (one kind of character, under 8 characters, mostly
    ///   words, a name then digits: `Ashwin030905`, camelCase words then digits:
    ///   `reallyStrong…123`, or under 16 characters with a year in it: `Su2022…`)
    ///   in a database URL whose host
    ///   is a container or loopback name (`mysql://root:whalehello@db`): the dev
    ///   stack's default; so is one in a connection string to the own machine
    ///   (`Server=localhost;…;Password=…`) or within four lines of a URL or host
    ///   setting on it (`spring.datasource.url=jdbc:mysql://localhost:3306/…`, or a
    ///   variable defaulting to it: `jdbc:sqlserver://${DOCKER_HOST_IP:localhost}`); a
    ///   generated one there still fires; nor names an installer substitutes as
    ///   the URL's user and password (`postgresql://PH_DB_USER:PH_DB_PASSWD@127.0.0.1/…`);
    /// - a password that is the user name given within four lines plus placeholder
    ///   words or a suffix of up to six letters or digits (`username: zabbix` then
    ///   `rootPassword: zabbixrootpass`, `DB_USERNAME: tickets` then
    ///   `SECRET: tickets4life`,
    ///   `…_USERNAME: drupal` then `…_PASSWORD: drupal@secured`): a demo default
    ///   anyone reading the file can guess; so is a value that is a folder or file
    ///   name of its own path plus filler (`contrib/echobot/config.yaml` with
    ///   `as_token: 'echobot123'`), or the first word of a module folder of it
    ///   (`shenyu-admin/…/application.yml` with `password: Shenyu123456`); a generated rest (`deploy_Xk29…`) still
    ///   fires, and so does a login call's password;
    /// - in SQL (`*.sql`), a hex value of a digest's length (32, 40, 64 or 128) under
    ///   a password column (`UPDATE … SET password='ba32…'`): the password's hash, a
    ///   stored credential (SEC005 judges SQL dumps); so is such a value compared or
    ///   set on a password column by a SQL statement in any file (an ORM's query log:
    ///   `SELECT … WHERE … password = '827c…'`), and one under ASP.NET's
    ///   `<credentials passwordFormat="SHA1">` (a user's stored digest);
    /// - words then a count typed to fill a length (`ThisIsMyCustomSecretKey012345678`,
    ///   `alarm123456`, also in base64), and a sentence about the key typed without
    ///   spaces (`thisisaverysecurekeythatmustbelonger…`: lowercase or CamelCase,
    ///   pronounceable throughout once a letter held down at its end is dropped
    ///   (`…NoOneCanHackMeHAHAHAHAzzzz`), naming a key and speaking of it; a diceware
    ///   passphrase does not);
    /// - a prefix then base64 of a sentence that is a placeholder (`v1,whsec_` and
    ///   "This is an example …");
    /// - a value the comment block right above (up to eight lines), or a Python
    ///   docstring right below, calls safe to see (`// This value is safe to
    ///   be embedded in version control`, `# public by design`, `# not a secret`,
    ///   `# The access Token is public and can be shared`, `# The default value is
    ///   deliberately public`, or the line's own trailing
    ///   comment (`// NOSONAR - This is a public client secret for telemetry`),
    ///   `* the site's own public prod api key`, `// extracted from the React
    ///   frontend`): its owners reviewed it (a native app's OAuth client secret, a
    ///   site's web key that every visitor's browser gets); provider formats
    ///   and private keys still fire;
    /// - on a commented-out line (`#   secretKey: console123`, batch `REM SET …`), a value that is not
    ///   generated-looking, and an AWS key ID (it documents a payload);
    /// - a private key or a generic value assigned to a name that calls it a
    ///   fixture (`TEST_FAKE_RSA_KEY_0`, `dummyPrivateKey`, `example_key`,
    ///   `const fakePass = '…'`);
    /// - a person-chosen value in a dotenv that sets its framework's environment to
    ///   development (`NODE_ENV=development` with `ADMIN_PASSWORD=Toptier123!`: a
    ///   seed's default, as SEC005 judges the file); a random one still fires;
    /// - a person-chosen value (not generated-looking) under a comment that calls it
    ///   a default or says to change it (`# The initial password … Remember to
    ///   change the admin password` above `admin_password: Acme12345`, template
    ///   lines such as `{% else %}` skipped), or whose own trailing comment says so,
    ///   in Spanish or French too (`FG_WEBUI_PASSWD=… # la puedes cambiar por la que
    ///   quieras`): a product's documented default, not a leak; a generated value
    ///   there still fires;
    /// - a URL without credentials as an environment lookup's default
    ///   (`StringFromEnv("AZURE_ARM_TOKEN_RESOURCE", "https://management…")`);
    /// - web pages and their templates (`*.html`, `*.html.twig`, `*.html.erb`,
    ///   `*.hbs`, Laravel's `*.blade.php`, Vue and Svelte components): what they hold is shown to every
    ///   visitor, so only provider formats and private keys fire there;
    /// - in a CI pipeline (`.github/workflows/`, `.gitlab-ci.yml` and GitLab's
    ///   included `.gitlab/*.yml`, CircleCI, Drone's
    ///   `.drone.yml`/`.drone.star`, Woodpecker, Travis, Buildkite, Gitea and Forgejo
    ///   workflows, AppVeyor, Azure Pipelines by any name
    ///   (`azure-pipelines-compat.yml`), Cloud Build, a `Jenkinsfile`), a
    ///   person's password (`SA_PASSWORD: Forge123`): the test database's that the job
    ///   starts; a generated value there still fires, unless its name's first word
    ///   names an image the same file starts (`MINIO_SECRET_KEY=…` next to `image:
    ///   minio/minio` or `docker run … postgres:16`): that is the service
    ///   container's own credential, and so is the same value given to the job's
    ///   client (`"secret_key": …`); so is a value passed with `-e NAME=…` to a
    ///   container the job starts (`docker run -d -e SECRET_KEY=… app:ci`, on one line
    ///   or continued with `\`); a token for another service still fires;
    /// - in a Makefile, the recipe of a test target (`test:`, `full-db-test:`,
    ///   `e2e-tests:`) is judged as a test suite (`TEST=true
    ///   APP_CONFIG='{"DATABASE_SECRET_KEY": "migration-run-key!"}' pytest`); a
    ///   `deploy:` target's token still fires;
    /// - a secret scanner's own configuration (`.gitleaks.toml`,
    ///   `.secrets.baseline`, `.gitguardian.yaml`, `.talismanrc`): its allow-lists
    ///   name values declared not secret; only private keys and live keys fire there;
    /// - Azurite's storage-emulator account key (`AccountKey=Eby8vdM0…` for
    ///   `devstoreaccount1`), published by Microsoft and the same in every install,
    ///   and the access and secret key of MinIO's public playground (`play.min.io`),
    ///   which MinIO's docs, `mc` and s3cmd's CI publish for everyone, and
    ///   Grafana's default `secret_key` (its `defaults.ini`), which every install
    ///   that sets none shares;
    /// - the anonymous-FTP password convention, an e-mail-style identifier with its
    ///   host left off (`password = "apache-proxy@"`);
    /// - command-line flag names (`--scheduler-k3s-global-token`) and environment
    ///   lookups spelled `env:NAME` (`"secretKey": "env:AWS_SECRET_ACCESS_KEY"`),
    ///   and argocd-image-updater's credential sources (`ext:/scripts/auth.sh`,
    ///   `pullsecret:ns/name`);
    /// - a product's default made of a word of its key (or consecutive words) and a
    ///   counting run (`registryAdminPassword: "Registry123"`, base64 of
    ///   `clusterAdmin123456` under `MONGODB_CLUSTER_ADMIN_PASSWORD`); other digits
    ///   still fire; an environment lookup's default that names its key
    ///   (`get_env("NEW_RELIC_LICENSE_KEY", "newrelicliscencekey")`: two consecutive
    ///   words of the key in it); or of a name and the service its key names, two camelCase
    ///   words (base64 of `acmeMysql` under `mysql-password` in a chart's rendered
    ///   Secret); two words without the key's service still fire;
    /// - an htpasswd line (`user:$2a$05$…`, or behind Compose's escaped `$` as
    ///   `admin:$$2y$$05$$…`): a name and a password hash; Transmission's saved
    ///   `rpc-password` (`{`, a salted SHA-1 in hex, the 8-char salt);
    /// - a tokenizer's vocabulary: numbered token classes (`argument.block.0`),
    ///   action and state names (`'@rematch'`), a command's keywords in capitals
    ///   that read as words (`WITHPAYLOADS`; random capitals still fire) and
    ///   options (`max_terms=100`);
    /// - a value under a comment that tells the reader to put in their own
    ///   (`# Replace with your values` heading the block of settings, up to a blank
    ///   line), however random it looks: a template's sample;
    /// - the sections of a Python test runner's config (`setup.cfg`'s
    ///   `[tool:pytest]` `env = D:SECRET_KEY=…`, `tox.ini`'s `[testenv]`,
    ///   `pytest.ini`) are judged as a test suite; other sections as code;
    /// - in a program's source, documentation: an Elixir `@moduledoc`/`@doc`
    ///   heredoc (`config :app, Endpoint, secret_key_base: "…"` shown to the
    ///   reader), a Python docstring (a bare triple-quoted string opening a module,
    ///   `def` or `class`; an AWS key ID or a JWT in its example too) and doctest
    ///   prompt lines (`iex> secret = "…"`, `>>> …`); a literal in code after the
    ///   docs still fires, and so does one in a triple-quoted value (`SETTINGS =
    ///   """…"""`);
    /// - the base64 of a JSON object's first bytes, too short for any token
    ///   (`eyJ4NXQiOi`, `{"x5t":`): a constant a log masker searches for;
    /// - Python string annotations (`passphrase: "SourcePassphrase"`: a
    ///   bare name, a colon and a type's name is a type, not a value; inside a
    ///   triple-quoted template the same line still fires);
    /// - the admin password of an OpenSearch or Elasticsearch whose security layer
    ///   the same file turns off (`plugins.security.disabled=true`,
    ///   `DISABLE_SECURITY_PLUGIN=true`, `xpack.security.enabled=false`), when a
    ///   person typed it (under 16 characters or mostly words): a local demo's,
    ///   guarding nothing; a generated one, or any with security on, fires;
    /// - GraphQL schemas (`*.graphql`, `*.gql`) are read as program source: an
    ///   unquoted value is a field's type (`registrationToken: RunnerToken!`);
    /// - in a program's source, a value a person typed under a secret-like name:
    ///   mostly words (`menuToken = 'treeNodeCell'`, `SECRET = "youNeverGuessIt"`) or
    ///   under 16 characters without both letters and digits. In code it is a
    ///   default, a demo login or an identifier (held-out rounds 11 to 16 judged
    ///   every such finding false); code that holds a live credential holds a generated
    ///   one. Generated values fire, letters-only ones too (a random 34-letter
    ///   token), as do short mixed ones that read as no words (`"hIjR…"`), a login
    ///   call's password and PHP's `define('DB_PASSWORD', …)`. In configuration
    ///   (YAML, `.env`, properties, scripts) a person's password still fires;
    /// - BOSH, Concourse and CredHub variables (`((uaa_admin_password))`), gon's
    ///   `@env:AC_PASSWORD` lookups and possessive names (`MY-PASSPHRASE`);
    /// - in a JSON API description, the string of a documentation field
    ///   (`"example"`, `"examples"`, `"description"`, `"document"`, `"summary"`): a
    ///   sample (`"example": "rtmp://…?txSecret=…"`); on pages and example files a
    ///   generic value in a link's query is a sample link.
    ///
    /// Where a file sits says how much a literal proves (a table in
    /// `src/secrets/context.rs`):
    /// - tests (paths under `test/`, `tests/`, `t/`, `spec/`, `fixtures/`, `testdata/`,
    ///   a folder whose name has the word `test` or `tests` (`upgrade-tests/`,
    ///   `examples_and_test_scripts/`) or runs on into what it is for (`testserver/`,
    ///   `testenv/`, `testbed/`, `testyaml/`; not `testament/`), or is a kind of test
    ///   run together with it (`integrationtests/`, `unittest/`), recorded output (`*.cache` such as a docs build's
    ///   `exe.cache`, `*.snap`, `*.golden`),
    ///   `cassettes/`, Ansible Molecule scenarios (`molecule/`: a role's tests), Maestro's
    ///   mobile UI flows (`.maestro/`), Pact contract recordings (`pacts/`), `benchmarks/`, `suites/`, `test_resources/`, `upgrade-tests/`,
    ///   snapshot tests' records (`__snapshots__/`, `.snapshots/`, `snapshots/`), a
    ///   conformance suite's `certification/` logs,
    ///   `mocks/`, `fakes/`, browser and API test runners' folders (`cypress/`,
    ///   `playwright/`, Dredd's `.dredd/`), files such as `*_test.go`, `*.spec.ts`, `*.t`,
    ///   files named for samples (`hookdeck-samples.json`: recorded payloads; a
    ///   singular `config.sample.yml` is an example copy, judged as docs),
    ///   a Rust file's unit-test module (whatever follows a `#[cfg(test)]` line),
    ///   Storybook stories (`*.stories.tsx`, `*.story.tsx`: a component rendered with
    ///   sample props), scripts named `test.*` or
    ///   `tests.*` (`contrib/cassandra/test.sql`; not a CI pipeline's `test.yml`),
    ///   `vitest.setup.ts`, `mock.ts`, `fake.go`, and files of test data named
    ///   for it: `auth_session_fixtures.go`, `userFixtures.ts`, `api.stub.js`,
    ///   `e2etest_service.go`, `mock-events.ts`, `fake_users.go`, `dummy_data.json`;
    ///   a Go test named with dots, `auth.password_e2e_test.go`), local development environments
    ///   (`dev/`, `_dev/`, `.ddev/`, `.devcontainer/`, `.lando/`, `local-environment/`,
    ///   `local-dev/`, `dev-env/`), end-to-end configs (`e2econfig/`, `e2e-config/`), conformance suites (`conformance/`,
    ///   `oidc-conformance/`), Helm chart-testing values
    ///   (`charts/app/ci/*-values.yaml`, and every YAML file under a chart's `ci/`
    ///   folder such as `charts/app/ci/fragments/…`) and config files
    ///   named for a test, CI or development environment (`.env.test`, `.env.ci`, `.env.travis`,
    ///   `compose.ci.yaml`, `docker-compose.integration.yml`,
    ///   `docker-compose.dev.yml`, `config/dev.exs`,
    ///   `appsettings.Development.json`; not CI pipelines such as
    ///   `.github/workflows/e2e.yml`, nor `.env.local`, nor a development secrets
    ///   file such as Phoenix's `config/dev.secret.exs`, which holds a developer's own
    ///   secrets and is kept out of git by design): only a provider's format
    ///   proves a value real there, since suites generate their own keys, hashes and
    ///   tokens, as random as real ones. Only what can be verified fires there:
    ///   private keys, live-mode keys (Stripe `sk_live_`/`rk_live_`), PyPI tokens,
    ///   and GitHub and npm tokens that pass their CRC32 checksum. Provider formats
    ///   without a checksum (`AIza…`, `xoxb-…`, `glpat-…`, `SG.…`, `GOCSPX-…`), JWTs,
    ///   AWS key IDs, database URLs and generic assignments do not, whatever their
    ///   entropy (a suite's made-up keys are given the provider's form too);
    /// - copies of third-party code (`vendor/`, `third_party/`,
    ///   `public/plugins/codemirror-5.17.0/`, a committed virtualenv's
    ///   `site-packages/`): the same;
    /// - docs, examples and translations (`docs/`, `examples/`, folders whose words
    ///   say demo, example, quickstart or docs such as `vault-agent-k8s-demo/`, `docs-assets/`, `locales/`, `*.md`,
    ///   `*.rst`, `README.md.gotmpl`, `.env.example`, `config.yml.sample`,
    ///   `.env.local.demo`, manual pages such as `man/app-config.5`): on a page of
    ///   prose (Markdown, reStructuredText, AsciiDoc, text, HTML, troff) and in UI translations (`lang/`, `locales/`, any
    ///   format, and catalogs named for their language: `messages/de.json`,
    ///   `pt-BR.yml`) the same again, as pages show sample output (STS
    ///   credentials, generated keys); in a config file or script among the examples
    ///   a generic value fires when it looks generated (20+ characters mixing
    ///   letters and digits at 3.5+ bits of entropy, and not mostly pronounceable
    ///   words such as `SomeRandomStringOf32CharsExactly`) and is not the example's
    ///   own signing or encryption key (`APP_KEY`, `SECRET_KEY_BASE`, Auth.js's
    ///   `AUTH_SECRET`,
    ///   `MINIO_KMS_SECRET_KEY`, `*_session_*`, `*_jwt_*`): an Azure storage key in an
    ///   example's Kubernetes Secret fires. A database password counts there, even
    ///   when weak, if the URL points at a public host name. In documents (and in-app
    ///   `help/` pages) a generic value is also a sample when its code block shows
    ///   placeholder context, a documentation host (`example.com`, `*.test`, RFC
    ///   2606) or a marked placeholder, or when the page shows it as a command's
    ///   output.
    ///
    /// Lock files (`yarn.lock`, `Cargo.lock`, `go.sum`, any `*.lock`, `*-lock.json`,
    /// ...) are not scanned: they hold package names and hashes. A SEC005 finding on
    /// a key file covers the key: SEC001 does not report it again. Output never
    /// shows more than the first 4 characters of a secret, and the finding's
    /// fingerprint hashes the secret.
    ///
    /// ## Why it matters
    /// "Avoid secrets / credentials in code": a secret in git is in every clone,
    /// fork, CI cache and laptop for ever, and rotating it is the only fix.
    ///
    /// ## Bad
    /// ```python app/settings.py
    /// STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    /// ```
    ///
    /// ## Good
    /// ```python app/settings.py
    /// STRIPE_KEY = os.environ["STRIPE_KEY"]
    /// ```
    ///
    /// ## How to fix
    /// Rotate the credential first (it is compromised), then read it at runtime
    /// from a secret store (Vault, AWS Secrets Manager, SSM Parameter Store) or
    /// the environment. Remove it from git history if the repository is public.
    HardcodedSecret {
        id: "SEC001",
        name: "hardcoded-secret",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Text]),
        severity: Error,
        since: "0.1.0",
        summary: "hard-coded secret",
        precision: Medium,
        carries_secret: true,
    }
}

/// Lock files hold package names and hashes, never credentials; scanning them
/// only finds `credential-provider` packages and integrity hashes.
const LOCK_FILES: &[&str] = &[
    "yarn.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "bun.lock",
    "cargo.lock",
    "poetry.lock",
    "pipfile.lock",
    "uv.lock",
    "go.sum",
    "gemfile.lock",
    "composer.lock",
    "mix.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "flake.lock",
    ".terraform.lock.hcl",
];

impl Rule for HardcodedSecret {
    fn check_text(&self, cx: &mut Cx) {
        let name = cx.file.file_name().to_ascii_lowercase();
        // Generated lock files (`i18n.lock`, `deps-lock.json`) hold hashes under any key.
        let lock_file = LOCK_FILES.contains(&name.as_str())
            || [
                ".lock",
                ".lockfile",
                "-lock.json",
                "-lock.yaml",
                ".lock.json",
            ]
            .iter()
            .any(|suffix| name.ends_with(suffix));
        if lock_file {
            return;
        }
        for found in secrets::scan_file(cx.path(), cx.text()) {
            let redacted = secrets::redact(cx.file.slice(found.span));
            cx.report(
                cx.finding(found.span)
                    .secret(found.span)
                    .message(format!("{} `{redacted}`", found.detector.description))
                    .help("rotate it, then load it from a secret store or the environment"),
            );
        }
    }
}
