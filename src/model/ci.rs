//! TEMP STUB
use crate::parse::yaml::YamlDocument;
use crate::source::Span;
pub struct Script { pub text: String, pub span: Span }
pub struct EnvVar { pub key: String, pub value_span: Span }
pub struct Step { pub run: Option<Script>, pub uses: Option<(String, Span)>, pub with: Vec<EnvVar> }
pub struct Job { pub steps: Vec<Step> }
pub struct Workflow { pub jobs: Vec<Job> }
pub struct Action { pub steps: Vec<Step> }
pub struct GitlabCi;
pub struct Circleci;
impl Workflow { pub fn from_document(_d: &YamlDocument) -> Self { Workflow { jobs: vec![] } } }
impl Action { pub fn from_document(_d: &YamlDocument) -> Self { Action { steps: vec![] } } }
impl GitlabCi { pub fn from_document(_d: &YamlDocument) -> Self { GitlabCi } }
impl Circleci { pub fn from_document(_d: &YamlDocument) -> Self { Circleci } }
