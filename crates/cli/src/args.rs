//! Command-line arguments. Each flag's doc comment is its `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::logging;

/// Sync GitLab projects, issues, merge requests, epics, releases and READMEs into a search index.
#[derive(Debug, Parser)]
#[command(name = "gitlab-connector", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Logging options.
    #[command(flatten)]
    pub log: LogArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run as an Elastic self-managed connector service: register with Elasticsearch, run the
    /// syncs Kibana asks for or schedules, until SIGINT/SIGTERM.
    Run(RunArgs),
    /// Sync GitLab into the local index (default) or Elasticsearch, then print a summary.
    Sync(Box<SyncArgs>),
    /// Search the local index.
    Search(SearchArgs),
    /// Check the GitLab URL, the token and access to each configured project.
    Check(CheckArgs),
    /// Start a simulated GitLab in-process, sync it into a temporary index and search it.
    #[cfg(feature = "demo")]
    Demo(DemoArgs),
}

/// Logging flags, global to every command.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Log level: error, warn (or warning), info, debug, trace or off, or directives like
    /// `gitlab_source=debug,warn` (RUST_LOG overrides) [default: warn, or `service.log_level` of
    /// config.yml for `run`].
    #[arg(long, global = true, env = "GITLAB_CONNECTOR_LOG", value_parser = logging::parse_level)]
    pub log_level: Option<String>,
    /// Log as JSON lines (for Filebeat) instead of human-readable lines.
    #[arg(long, global = true, visible_alias = "filebeat")]
    pub log_json: bool,
}

/// Where and how to reach GitLab. Flags win over environment variables, which win over the
/// `gitlab:` section of `--config`.
#[derive(Debug, Args, Clone, Default)]
pub struct GitlabArgs {
    /// Settings file (YAML) with `gitlab:`, `sink:`, `index_dir:`, `elasticsearch:` and `rules:`
    /// sections; see `sync.yml.example`.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// GitLab base URL [default: https://gitlab.com].
    #[arg(long, env = "GITLAB_URL", value_name = "URL", hide_env_values = true)]
    pub gitlab_url: Option<String>,
    /// Access token with the read_api scope (and read_repository for READMEs).
    #[arg(
        long,
        env = "GITLAB_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// Projects to sync: full paths separated by commas or newlines, or `*` for every project
    /// the token's user is a member of [default: *].
    #[arg(long, env = "GITLAB_PROJECTS", value_name = "LIST")]
    pub projects: Option<String>,
    /// PEM file with extra CA certificates to trust (self-managed GitLab with a private CA).
    #[arg(long, env = "GITLAB_CA_BUNDLE", value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,
    /// Do not verify GitLab's TLS certificate. Dangerous; logged loudly.
    #[arg(long)]
    pub insecure_skip_verify: bool,
    /// Most GitLab requests in flight at once [default: 8].
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Projects synced in parallel [default: 32].
    #[arg(long, value_name = "N")]
    pub project_concurrency: Option<usize>,
    /// Cap on GitLab requests per minute, on top of GitLab's own RateLimit headers.
    #[arg(long, value_name = "N")]
    pub requests_per_minute: Option<u32>,
    /// Attempts per GitLab request (first try included) before its listing is reported
    /// incomplete [default: 6].
    #[arg(long, value_name = "N")]
    pub max_attempts: Option<u32>,
}

/// The sink `sync` writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SinkKind {
    /// The embedded local index (`--index-dir`).
    Local,
    /// An Elasticsearch index (`--es-url`, `--index`).
    Elasticsearch,
}

/// `gitlab-connector sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// GitLab connection and project selection.
    #[command(flatten)]
    pub gitlab: GitlabArgs,
    /// Where documents go [default: local].
    #[arg(long, value_enum)]
    pub sink: Option<SinkKind>,
    /// Directory of the local index [default: ./gitlab-index].
    #[arg(long, env = "GITLAB_CONNECTOR_INDEX_DIR", value_name = "DIR")]
    pub index_dir: Option<PathBuf>,
    /// Sync rules file (JSON or YAML) with `basic` and `advanced` rules; see
    /// crates/rules/README.md.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Fetch only issues, merge requests and epics updated since the last complete sync
    /// into this local index (projects, releases and READMEs are re-listed); write them and
    /// delete nothing. Without a recorded sync, a full sync runs instead.
    #[arg(long)]
    pub incremental: bool,
    /// With --incremental: fetch what changed since this instant (RFC 3339 or YYYY-MM-DD)
    /// instead of the last recorded sync; required with --sink elasticsearch.
    #[arg(long, value_name = "RFC3339", requires = "incremental")]
    pub since: Option<String>,
    /// Elasticsearch connection (with `--sink elasticsearch`).
    #[command(flatten)]
    pub es: EsArgs,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Never draw progress bars.
    #[arg(long)]
    pub no_progress: bool,
}

/// Elasticsearch flags of `sync --sink elasticsearch`; they win over the settings file's
/// `elasticsearch:` section.
#[derive(Debug, Args, Clone, Default)]
pub struct EsArgs {
    /// Elasticsearch URL, e.g. http://localhost:9200.
    #[arg(long, env = "ES_URL", value_name = "URL", hide_env_values = true)]
    pub es_url: Option<String>,
    /// Content index to write [default: search-gitlab].
    #[arg(long, value_name = "NAME")]
    pub index: Option<String>,
    /// Encoded API key (`Authorization: ApiKey ...`); wins over username/password.
    #[arg(long, env = "ES_API_KEY", value_name = "KEY", hide_env_values = true)]
    pub es_api_key: Option<String>,
    /// Basic-auth user.
    #[arg(long, env = "ES_USERNAME", value_name = "USER")]
    pub es_username: Option<String>,
    /// Basic-auth password.
    #[arg(
        long,
        env = "ES_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub es_password: Option<String>,
    /// CA bundle (PEM) for Elasticsearch's certificate.
    #[arg(long, env = "ES_CA_CERTS", value_name = "FILE")]
    pub es_ca_certs: Option<PathBuf>,
    /// Base of the linear back-off between Elasticsearch retries, in seconds (like
    /// `elasticsearch.retry_interval`) [default: 2].
    #[arg(long, value_name = "SECONDS")]
    pub es_retry_interval: Option<f64>,
}

/// `gitlab-connector search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for (words, "phrases", +required, -excluded).
    pub query: String,
    /// Directory of the local index.
    #[arg(
        long,
        env = "GITLAB_CONNECTOR_INDEX_DIR",
        default_value = "gitlab-index"
    )]
    pub index_dir: PathBuf,
    /// Only documents of this `type` (repeatable), e.g. Issue, "Merge Request", Epic, File.
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<String>,
    /// Most hits to print (at least 1).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: u64,
    /// Print hits as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `gitlab-connector run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Elastic connector service configuration (`config.yml`; see config.yml.example).
    #[arg(long, short = 'c', value_name = "FILE", default_value = "config.yml")]
    pub config: PathBuf,
}

/// `gitlab-connector check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// GitLab connection and project selection.
    #[command(flatten)]
    pub gitlab: GitlabArgs,
}

/// `gitlab-connector demo`.
#[cfg(feature = "demo")]
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// What to search for after the sync.
    #[arg(default_value = "login")]
    pub query: String,
    /// Keep the index in this directory instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub index_dir: Option<PathBuf>,
}
