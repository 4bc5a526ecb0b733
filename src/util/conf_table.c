/*
 * conf_table: every key va.conf knows, its type, default and one line of
 * documentation.  va.conf.example, `va config example` and the checks in
 * conf.c all come from this table; a new key is one line here.
 */
#include "va/conf.h"
#include "va/util.h"

const struct conf_key conf_keys[] = {
	{"general", "data_dir", CONF_PATH, NULL, NULL,
	 "where va keeps its database (default: $XDG_DATA_HOME/va)"},
	{"general", "log", CONF_ENUM, "file|syslog", "file",
	 "where diagnostics go: a file in $XDG_STATE_HOME/va/ or syslog"},
	{"general", "log_level", CONF_ENUM, "error|warn|info|debug", "info",
	 "how much to log"},
	{"general", "timezone", CONF_STRING, NULL, NULL,
	 "time zone for schedules and dates, e.g. Europe/Paris (default: the system's)"},

	{"ui", "keymap", CONF_STRING, NULL, "vi", "vi, emacs, or the path of a .keys file"},
	{"ui", "theme", CONF_STRING, NULL, "default",
	 "default, light, mono, or the path of a .theme file (NO_COLOR forces mono)"},
	{"ui", "preview", CONF_BOOL, NULL, "on", "show the message preview split in the inbox"},

	{"secrets", "backend", CONF_ENUM, "auto|keyring|file", "auto",
	 "auto uses the Secret Service when one answers, else the encrypted file"},
	{"secrets", "cache", CONF_DURATION, NULL, "10m",
	 "keep the secrets file's derived key in the kernel keyring this long after its last use, "
	 "so each va does not redo Argon2id (0: off)"},
	{"secrets", "file", CONF_PATH, NULL, NULL,
	 "the encrypted secrets file (default: $XDG_DATA_HOME/va/secrets.enc)"},

	{"scheduler", "workers", CONF_INT, NULL, "2", "worker threads for background jobs"},
	{"scheduler", "sync_every", CONF_DURATION, NULL, "5m", "how often mail is synced"},
	{"scheduler", "rules_every", CONF_DURATION, NULL, "15m",
	 "how often the rules look at mail again (age triggers; new mail runs them at once)"},
	{"scheduler", "idle", CONF_BOOL, NULL, "on",
	 "keep a connection IDLE on each IMAP INBOX while jobs run, to fetch new mail at once"},
	{"scheduler", "in_process", CONF_BOOL, NULL, "on",
	 "run jobs inside the terminal interface when no `va daemon` runs them"},
	{"scheduler", "allow_commands", CONF_BOOL, NULL, "off",
	 "let `command` jobs run programs you name (off: they are refused)"},

	{"llm", "base_url", CONF_STRING, NULL, NULL,
	 "OpenAI-compatible API base URL; unset means offline (local model only)"},
	{"llm", "model", CONF_STRING, NULL, NULL, "chat model name"},
	{"llm", "embedding_model", CONF_STRING, NULL, NULL, "embedding model name"},
	{"llm", "timeout", CONF_DURATION, NULL, "30s", "per-request timeout"},
	{"llm", "max_tokens_per_day", CONF_INT, NULL, "200000", "daily token cap"},
	{"llm", "send_body", CONF_ENUM, "snippet|full|none", "snippet",
	 "how much of a message body the LLM may see"},
	{"llm", "classify", CONF_ENUM, "unsure|all|off", "unsure",
	 "which local verdicts the LLM is asked to redo: the unsure ones, all, or none"},

	{"replies", "auto_send", CONF_BOOL, NULL, "off",
	 "the one switch for all automatic sending (off stops everything)"},
	{"replies", "delay", CONF_DURATION, NULL, "2m", "undo window before an automatic reply leaves"},
	{"replies", "daily_limit", CONF_INT, NULL, "20", "automatic replies per day, all templates"},
	{"replies", "per_sender_days", CONF_INT, NULL, "7",
	 "one automatic reply per sender in this many days (a template may say otherwise)"},
	{"replies", "sensitive", CONF_STRING, NULL,
	 "wire transfer|money transfer|bank (account|details|transfer)|iban|routing number"
	 "|credit card|gift card|bitcoin|password|passcode|verification code|security code"
	 "|one-time code|lawsuit|legal (action|notice|advice)|attorney|lawyer|subpoena"
	 "|court (order|date|case)|medical|diagnos|prescription|patient|hospital|health record",
	 "topics that block automatic replies: one POSIX extended regex, case-insensitive,"
	 " alternatives separated by |"},

	{"send", "max_attachments", CONF_SIZE, NULL, "25M",
	 "`va send --attach`: the most the attached files may weigh together (0: no limit)"},

	{"analysis", "memory", CONF_SIZE, NULL, "256M", "memory budget for CSV analysis"},
	{"analysis", "inline_max", CONF_SIZE, NULL, "64M",
	 "the Analysis pane analyses files up to this size at once; bigger ones (and URLs) run as a job"},

	{"account", "type", CONF_ENUM, "maildir|imap", NULL, "maildir (local) or imap"},
	{"account", "path", CONF_PATH, NULL, NULL, "maildir: the Maildir folder"},
	{"account", "email", CONF_STRING, NULL, NULL, "the address mail is sent from"},
	{"account", "name", CONF_STRING, NULL, NULL, "your display name"},
	{"account", "username", CONF_STRING, NULL, NULL, "login name (default: email)"},
	{"account", "auth", CONF_ENUM, "password|oauth2", "password", "how to sign in"},
	{"account", "provider", CONF_ENUM, "gmail|outlook|custom", "custom",
	 "OAuth2 endpoints come from share/providers/PROVIDER.conf"},
	{"account", "imap_host", CONF_STRING, NULL, NULL, "IMAP server"},
	{"account", "imap_port", CONF_PORT, NULL, "993", "IMAP port"},
	{"account", "imap_tls", CONF_ENUM, "implicit|starttls|none", "implicit", "IMAP TLS mode"},
	{"account", "smtp_host", CONF_STRING, NULL, NULL, "SMTP submission server"},
	{"account", "smtp_port", CONF_PORT, NULL, "465", "SMTP port"},
	{"account", "smtp_tls", CONF_ENUM, "implicit|starttls|none", "implicit", "SMTP TLS mode"},
	{"account", "ca_file", CONF_PATH, NULL, NULL, "extra CA certificate to trust (PEM)"},
	{"account", "timeout", CONF_DURATION, NULL, "30s",
	 "give up on an IMAP or SMTP server that says nothing for this long (then retry later)"},
	{"account", "oauth_client_id", CONF_STRING, NULL, NULL, "your OAuth2 client id"},
	{"account", "oauth_client_secret", CONF_STRING, NULL, NULL,
	 "OAuth2 client secret, where the provider requires one for installed apps"},
	{"account", "oauth_scope", CONF_STRING, NULL, NULL, "OAuth2 scope (from the preset)"},
	{"account", "oauth_auth_url", CONF_STRING, NULL, NULL, "authorization endpoint"},
	{"account", "oauth_token_url", CONF_STRING, NULL, NULL, "token endpoint"},
	{"account", "oauth_device_url", CONF_STRING, NULL, NULL, "device-code endpoint"},
	{"account", "folders", CONF_STRING, NULL, NULL,
	 "folders to sync, space-separated (default: all subscribed)"},
};

const size_t conf_nkeys = VA_ARRAY_LEN(conf_keys);
