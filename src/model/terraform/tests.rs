use super::*;

fn slice(text: &str, span: Span) -> &str {
    &text[span.range()]
}

fn parse_ok(text: &str, path: &str) -> TerraformFile {
    let (file, diagnostics) = parse(text, path);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    file
}

fn unknown_kind(value: &Value) -> Option<&UnknownKind> {
    match value {
        Value::Unknown(u) => Some(&u.kind),
        _ => None,
    }
}

const SECURITY_GROUP: &str = r#"resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = module.vpc.vpc_id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]
  }

  dynamic "ingress" {
    for_each = var.admin_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  egress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
  }
}
"#;

#[test]
fn security_group_spans_and_dynamic_blocks() {
    let text = SECURITY_GROUP;
    let file = parse_ok(text, "main.tf");
    let sg = file.resources().next().unwrap();
    assert_eq!(sg.resource_type(), Some("aws_security_group"));
    assert_eq!(sg.name(), Some("web"));
    assert_eq!(sg.address(), "aws_security_group.web");
    assert_eq!(
        slice(text, sg.header_span),
        r#"resource "aws_security_group" "web" {"#
    );
    assert_eq!(slice(text, sg.span), text.trim_end());
    assert_eq!(slice(text, sg.label_spans[1]), r#""web""#);
    assert!(!sg.has_count_or_for_each());

    let vpc_id = sg.attr("vpc_id").unwrap();
    assert_eq!(slice(text, vpc_id.span), "vpc_id = module.vpc.vpc_id");
    assert_eq!(slice(text, vpc_id.key_span), "vpc_id");
    assert_eq!(slice(text, vpc_id.value_span), "module.vpc.vpc_id");
    assert_eq!(vpc_id.value.as_reference(), Some("module.vpc.vpc_id"));

    let ingress: Vec<&Block> = sg.blocks_named("ingress").collect();
    assert_eq!(ingress.len(), 2);
    assert_eq!(ingress[0].kind, "ingress");
    assert_eq!(slice(text, ingress[0].header_span), "ingress {");
    let cidrs = ingress[0].attr("cidr_blocks").unwrap();
    assert_eq!(
        slice(text, cidrs.span),
        r#"cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]"#
    );
    assert_eq!(cidrs.value.strings(), Some(vec!["10.0.0.0/8", "0.0.0.0/0"]));
    let open = &cidrs.value.as_list().unwrap()[1];
    assert_eq!(slice(text, open.span), r#""0.0.0.0/0""#);
    assert_eq!(ingress[0].value("from_port").unwrap().as_f64(), Some(443.0));

    // The dynamic block's content: known literals stay known, the iterator is unknown.
    let content = ingress[1];
    assert_eq!(content.kind, "content");
    assert_eq!(slice(text, content.header_span), "content {");
    assert_eq!(
        content.value("from_port").unwrap().as_reference(),
        Some("ingress.value")
    );
    assert_eq!(
        content.value("cidr_blocks").unwrap().strings(),
        Some(vec!["0.0.0.0/0"])
    );
    let dynamic = sg.blocks.iter().find(|b| b.is_dynamic()).unwrap();
    assert_eq!(slice(text, dynamic.header_span), r#"dynamic "ingress" {"#);
    assert!(dynamic.has_count_or_for_each());

    let egress = sg.blocks_named("egress").next().unwrap();
    assert_eq!(egress.value("protocol").unwrap().as_str(), Some("-1"));
    assert_eq!(egress.value("from_port").unwrap().as_f64(), Some(0.0));
}

#[test]
fn jsonencode_policy_keeps_the_document_and_unknown_leaves() {
    let text = r#"resource "aws_iam_policy" "admin" {
  name = "admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${aws_s3_bucket.data.arn}/*"
      },
    ]
  })
}

resource "aws_iam_policy" "known" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "s3:*", Resource = "*", Sid = 1 }] })
}
"#;
    let file = parse_ok(text, "iam.tf");
    let admin = file.resources().next().unwrap().attr("policy").unwrap();
    assert!(admin.value.is_unknown());
    assert_eq!(admin.value.as_str(), None);
    assert_eq!(admin.json_value(), None);
    let doc = admin.value.json_document().unwrap();
    assert_eq!(doc.get("Version").unwrap().as_str(), Some("2012-10-17"));
    let statements = doc.get("Statement").unwrap().as_list().unwrap();
    let first = &statements[0].value;
    assert_eq!(first.get("Action").unwrap().as_str(), Some("*"));
    let action = first.entry("Action").unwrap();
    assert_eq!(slice(text, action.span), r#"Action   = "*""#);
    let second = &statements[1].value;
    assert_eq!(
        second.get("Action").unwrap().one_or_many()[0].as_str(),
        Some("s3:GetObject")
    );
    assert_eq!(
        unknown_kind(second.get("Resource").unwrap()),
        Some(&UnknownKind::Template)
    );

    // The walker reaches every Effect, known or not.
    let mut effects = Vec::new();
    doc.walk(admin.value_span, &mut |path, value, span| {
        if path.last() == Some(&PathSegment::Key("Effect")) {
            effects.push((value.as_str(), slice(text, span)));
        }
    });
    assert_eq!(
        effects,
        vec![
            (Some("Allow"), r#"Effect   = "Allow""#),
            (Some("Allow"), r#"Effect   = "Allow""#)
        ]
    );

    let known = file.resources().nth(1).unwrap().attr("policy").unwrap();
    assert_eq!(
        known.value.as_str(),
        Some(
            r#"{"Statement":[{"Action":"s3:*","Effect":"Deny","Resource":"*","Sid":1}],"Version":"2012-10-17"}"#
        )
    );
    let json = known.json_value().unwrap();
    assert_eq!(json["Statement"][0]["Effect"], "Deny");
    assert!(known.value.is_fully_known());
}

#[test]
fn heredoc_json_policy_with_interpolation() {
    let text = "resource \"aws_iam_role_policy\" \"p\" {\n  policy = <<-EOF\n    {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n        {\n          \"Effect\": \"Allow\",\n          \"Action\": \"*\",\n          \"Resource\": \"${aws_s3_bucket.b.arn}\"\n        }\n      ]\n    }\n  EOF\n}\n";
    let file = parse_ok(text, "iam.tf");
    let policy = file.resources().next().unwrap().attr("policy").unwrap();
    assert!(slice(text, policy.value_span).starts_with("<<-EOF\n"));
    assert!(slice(text, policy.value_span).ends_with("  EOF"));
    let doc = policy.value.json_document().unwrap();
    let statement = &doc.get("Statement").unwrap().as_list().unwrap()[0];
    assert_eq!(
        statement.value.get("Effect").unwrap().as_str(),
        Some("Allow")
    );
    let action = statement.value.entry("Action").unwrap();
    assert_eq!(slice(text, action.key_span), "\"Action\"");
    assert_eq!(slice(text, action.span), "\"Action\": \"*\"");
    let resource = statement.value.entry("Resource").unwrap();
    assert_eq!(resource.value.as_reference(), Some("aws_s3_bucket.b.arn"));
    assert_eq!(
        slice(text, resource.span),
        "\"Resource\": \"${aws_s3_bucket.b.arn}\""
    );
    assert_eq!(policy.json_value(), None);
}

#[test]
fn heredoc_without_interpolation_is_a_string_with_indentation_stripped() {
    let text = "locals {\n  policy = <<-EOT\n    {\n      \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"*\"], \"Resource\": \"*\"}]\n    }\n  EOT\n  plain = <<EOT\n  keep\nEOT\n  note = <<-EOT\n    a\n      b\n  EOT\n}\n";
    let file = parse_ok(text, "main.tf");
    let locals = file.blocks_of("locals").next().unwrap();
    let policy = locals.attr("policy").unwrap();
    assert_eq!(
            policy.value.as_str(),
            Some("{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"*\"], \"Resource\": \"*\"}]\n}\n")
        );
    let json = policy.json_value().unwrap();
    assert_eq!(json["Statement"][0]["Action"][0], "*");
    let doc = policy.value.json_document().unwrap();
    let statement = &doc.get("Statement").unwrap().as_list().unwrap()[0];
    assert_eq!(
        slice(text, statement.value.entry("Action").unwrap().span),
        "\"Action\": [\"*\"]"
    );
    assert_eq!(locals.value("plain").unwrap().as_str(), Some("  keep\n"));
    assert_eq!(locals.value("note").unwrap().as_str(), Some("a\n  b\n"));
}

#[test]
fn json_in_a_quoted_string() {
    let text = r#"resource "aws_iam_policy" "p" {
  policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"
}
"#;
    let file = parse_ok(text, "main.tf");
    let policy = file.resources().next().unwrap().attr("policy").unwrap();
    assert_eq!(policy.json_value().unwrap()["Statement"][0]["Action"], "*");
    let doc = policy.value.json_document().unwrap();
    let statement = &doc.get("Statement").unwrap().as_list().unwrap()[0];
    assert!(policy.value_span.contains(statement.span));
}

#[test]
fn iam_policy_document_statements() {
    let text = r#"data "aws_iam_policy_document" "admin" {
  statement {
    sid       = "All"
    effect    = "Allow"
    actions   = ["*"]
    resources = ["*"]
  }

  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}
"#;
    let file = parse_ok(text, "iam.tf");
    let doc = file.data_sources().next().unwrap();
    assert_eq!(doc.address(), "data.aws_iam_policy_document.admin");
    assert_eq!(doc.name(), Some("admin"));
    let statements: Vec<&Block> = doc.blocks_named("statement").collect();
    assert_eq!(statements.len(), 2);
    assert_eq!(
        statements[0].value("actions").unwrap().strings(),
        Some(vec!["*"])
    );
    assert_eq!(statements[1].value("resources").unwrap().strings(), None);
    let resources = statements[1].value("resources").unwrap().as_list().unwrap();
    assert!(resources[0].value.is_unknown());
    let condition = statements[1].blocks_named("condition").next().unwrap();
    assert_eq!(
        condition.value("values").unwrap().one_or_many()[0].as_bool(),
        Some(true)
    );
    assert_eq!(slice(text, condition.header_span), "condition {");
}

#[test]
fn unknowns_and_evaluation() {
    let text = r#"resource "aws_db_instance" "main" {
  count                   = var.create ? 1 : 0
  publicly_accessible     = var.public
  storage_encrypted       = local.encrypted
  multi_az                = true
  deletion_protection     = false
  skip_final_snapshot     = "true"
  backup_retention_period = -1
  port                    = (5432)
  allocated_storage       = "20"
  kms_key_id              = null
  tags                    = merge(local.tags, { Name = "db" })
  name                    = lookup(var.names, "db", "main")
  subnets                 = aws_subnet.private[*].id
  azs                     = [for s in var.subnets : s.az]
  sum                     = 1 + 2
  flag                    = !true
  sg                      = concat(["a"], tolist(["b", "c"]))
  set                     = toset(["x", "x", "y"])
  merged                  = merge({ a = 1, b = 2 }, { b = 3 })
  pick                    = true ? "yes" : var.no
  label                   = "db-${var.env}"
  literal                 = "db-$${x}"
  each_value              = each.value
  index                   = count.index
  first                   = ["p", "q"][1]
  str                     = tostring(5)
}
"#;
    let file = parse_ok(text, "db.tf");
    let db = file.resources().next().unwrap();
    assert!(db.has_count_or_for_each());
    let v = |k: &str| db.value(k).unwrap();
    assert_eq!(unknown_kind(v("count")), Some(&UnknownKind::Conditional));
    assert_eq!(v("publicly_accessible").as_reference(), Some("var.public"));
    assert_eq!(
        v("storage_encrypted").as_reference(),
        Some("local.encrypted")
    );
    assert_eq!(v("multi_az").as_bool(), Some(true));
    assert_eq!(v("deletion_protection").as_bool(), Some(false));
    assert_eq!(v("skip_final_snapshot").as_bool(), Some(true));
    assert_eq!(v("backup_retention_period").as_f64(), Some(-1.0));
    assert_eq!(v("port").as_f64(), Some(5432.0));
    assert_eq!(v("allocated_storage").as_f64(), Some(20.0));
    assert_eq!(v("kms_key_id"), &Value::Null);
    assert_eq!(
        unknown_kind(v("tags")),
        Some(&UnknownKind::FunctionCall("merge".into()))
    );
    let name = v("name");
    assert_eq!(
        unknown_kind(name),
        Some(&UnknownKind::FunctionCall("lookup".into()))
    );
    assert_eq!(
        name,
        &Value::Unknown(Unknown {
            kind: UnknownKind::FunctionCall("lookup".into()),
            text: r#"lookup(var.names, "db", "main")"#.into()
        })
    );
    assert_eq!(unknown_kind(v("subnets")), Some(&UnknownKind::Splat));
    assert_eq!(unknown_kind(v("azs")), Some(&UnknownKind::ForExpr));
    assert_eq!(unknown_kind(v("sum")), Some(&UnknownKind::Operation));
    assert_eq!(v("flag").as_bool(), Some(false));
    assert_eq!(v("sg").strings(), Some(vec!["a", "b", "c"]));
    let sg_items = v("sg").as_list().unwrap();
    assert_eq!(slice(text, sg_items[2].span), r#""c""#);
    assert_eq!(v("set").strings(), Some(vec!["x", "y"]));
    assert_eq!(v("merged").get("b").unwrap().as_f64(), Some(3.0));
    assert_eq!(v("merged").get("a").unwrap().as_f64(), Some(1.0));
    assert_eq!(v("pick").as_str(), Some("yes"));
    assert_eq!(unknown_kind(v("label")), Some(&UnknownKind::Template));
    assert_eq!(v("literal").as_str(), Some("db-${x}"));
    assert_eq!(v("each_value").as_reference(), Some("each.value"));
    assert_eq!(v("index").as_reference(), Some("count.index"));
    assert_eq!(v("first").as_str(), Some("q"));
    assert_eq!(v("str").as_str(), Some("5"));
}

#[test]
fn tfvars_top_level_attributes() {
    let text = "region = \"eu-west-1\"\ninstance_count = 3\nallowed = [\"0.0.0.0/0\"]\ntags = {\n  Environment = \"prod\"\n  \"Owner\"     = \"ops\"\n}\n";
    let file = parse_ok(text, "prod.tfvars");
    assert!(file.blocks.is_empty());
    assert_eq!(
        file.attr("region").unwrap().value.as_str(),
        Some("eu-west-1")
    );
    assert_eq!(
        file.attr("instance_count").unwrap().value.as_f64(),
        Some(3.0)
    );
    let tags = &file.attr("tags").unwrap().value;
    let owner = tags.entry("Owner").unwrap();
    assert_eq!(slice(text, owner.key_span), "\"Owner\"");
    assert_eq!(slice(text, owner.span), "\"Owner\"     = \"ops\"");
    assert_eq!(tags.get("Environment").unwrap().as_str(), Some("prod"));
}

#[test]
fn terragrunt_file() {
    let text = r#"include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "git::https://github.com/acme/modules.git//vpc?ref=v1.2.0"
}

dependency "vpc" {
  config_path = "../vpc"
}

inputs = {
  vpc_id = dependency.vpc.outputs.vpc_id
  env    = "staging"
}
"#;
    let file = parse_ok(text, "live/staging/app/terragrunt.hcl");
    let include = file.blocks_of("include").next().unwrap();
    assert_eq!(include.name(), Some("root"));
    assert_eq!(
        unknown_kind(include.value("path").unwrap()),
        Some(&UnknownKind::FunctionCall("find_in_parent_folders".into()))
    );
    let tf = file.terraform_blocks().next().unwrap();
    assert!(tf
        .value("source")
        .unwrap()
        .as_str()
        .unwrap()
        .ends_with("?ref=v1.2.0"));
    assert_eq!(
        file.blocks_of("dependency").next().unwrap().address(),
        "dependency.vpc"
    );
    let inputs = &file.attr("inputs").unwrap().value;
    assert_eq!(
        inputs.get("vpc_id").unwrap().as_reference(),
        Some("dependency.vpc.outputs.vpc_id")
    );
    assert_eq!(inputs.get("env").unwrap().as_str(), Some("staging"));
}

#[test]
fn providers_modules_variables_and_backend() {
    let text = r#"terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {
    bucket  = "state"
    encrypt = true
  }
}

provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
}

variable "db_password" {
  type      = string
  sensitive = true
}
"#;
    let file = parse_ok(text, "main.tf");
    let tf = file.terraform_blocks().next().unwrap();
    let backend = tf.blocks_named("backend").next().unwrap();
    assert_eq!(backend.labels, vec!["s3"]);
    assert_eq!(slice(text, backend.header_span), r#"backend "s3" {"#);
    let providers = tf.blocks_named("required_providers").next().unwrap();
    assert_eq!(
        providers
            .value("aws")
            .unwrap()
            .get("version")
            .unwrap()
            .as_str(),
        Some("~> 5.0")
    );
    let aws = file.providers().next().unwrap();
    assert_eq!(aws.name(), Some("aws"));
    assert_eq!(aws.resource_type(), None);
    assert_eq!(aws.address(), "provider.aws");
    let module = file.modules().next().unwrap();
    assert_eq!(module.address(), "module.vpc");
    let var = file.variables().next().unwrap();
    assert_eq!(var.address(), "var.db_password");
    assert_eq!(var.value("type").unwrap().as_reference(), Some("string"));
    assert_eq!(var.value("sensitive").unwrap().as_bool(), Some(true));
}

#[test]
fn tf_json_file() {
    let text = r#"{
  "resource": {
    "aws_db_instance": {
      "main": {
        "engine": "postgres",
        "publicly_accessible": true,
        "password": "${var.db_password}",
        "vpc_security_group_ids": ["sg-1", "${aws_security_group.db.id}"],
        "tags": { "Name": "db" }
      }
    },
    "aws_security_group": {
      "web": {
        "ingress": [{ "from_port": 22, "cidr_blocks": ["0.0.0.0/0"] }],
        "dynamic": { "egress": { "for_each": "${var.egress}", "content": { "from_port": 0 } } }
      }
    }
  },
  "module": { "vpc": { "source": "terraform-aws-modules/vpc/aws", "private_subnets": [] } },
  "terraform": { "backend": { "s3": { "bucket": "state" } } },
  "//": "a comment"
}
"#;
    let file = parse_ok(text, "main.tf.json");
    let db = file.resources_of_type("aws_db_instance").next().unwrap();
    assert_eq!(db.address(), "aws_db_instance.main");
    assert_eq!(slice(text, db.header_span), "\"main\": {");
    assert_eq!(slice(text, db.label_spans[0]), "\"aws_db_instance\"");
    assert!(slice(text, db.span).starts_with("\"main\": {") && slice(text, db.span).ends_with('}'));
    let public = db.attr("publicly_accessible").unwrap();
    assert_eq!(slice(text, public.span), "\"publicly_accessible\": true");
    assert_eq!(public.value.as_bool(), Some(true));
    let password = db.attr("password").unwrap();
    assert_eq!(password.value.as_reference(), Some("var.db_password"));
    let sgs = db
        .value("vpc_security_group_ids")
        .unwrap()
        .as_list()
        .unwrap();
    assert_eq!(sgs[0].value.as_str(), Some("sg-1"));
    assert_eq!(
        sgs[1].value.as_reference(),
        Some("aws_security_group.db.id")
    );
    assert_eq!(slice(text, sgs[1].span), "\"${aws_security_group.db.id}\"");
    // An object attribute is also offered as a block (JSON has no schema).
    assert_eq!(
        db.value("tags").unwrap().get("Name").unwrap().as_str(),
        Some("db")
    );

    let web = file.resources_of_type("aws_security_group").next().unwrap();
    let ingress: Vec<&Block> = web.blocks_named("ingress").collect();
    assert_eq!(ingress.len(), 1);
    let cidrs = ingress[0].attr("cidr_blocks").unwrap();
    assert_eq!(slice(text, cidrs.value_span), "[\"0.0.0.0/0\"]");
    assert_eq!(ingress[0].value("from_port").unwrap().as_f64(), Some(22.0));
    let egress: Vec<&Block> = web.blocks_named("egress").collect();
    assert_eq!(egress.len(), 1);
    assert_eq!(egress[0].kind, "content");

    let module = file.modules().next().unwrap();
    assert!(module.blocks.is_empty());
    let tf = file.terraform_blocks().next().unwrap();
    let backend = tf.blocks_named("backend").next().unwrap();
    assert_eq!(backend.labels, vec!["s3"]);
    assert_eq!(backend.value("bucket").unwrap().as_str(), Some("state"));
    assert_eq!(file.blocks.len(), 4);
}

#[test]
fn tfvars_json_file() {
    let text = "{\"region\": \"eu-west-1\", \"azs\": [\"a\", \"b\"]}";
    let file = parse_ok(text, "prod.tfvars.json");
    assert_eq!(
        file.attr("azs").unwrap().value.strings(),
        Some(vec!["a", "b"])
    );
    assert_eq!(
        slice(text, file.attr("region").unwrap().span),
        "\"region\": \"eu-west-1\""
    );
}

#[test]
fn parse_error_points_at_the_offending_byte() {
    let text = "resource \"aws_instance\" \"web\" {\n  ami = \"ami-1\"\n  instance_type = = \"t3.micro\"\n}\n";
    let (file, diagnostics) = parse(text, "main.tf");
    assert!(file.blocks.is_empty());
    assert_eq!(diagnostics.len(), 1);
    let at = text.find("= \"t3").unwrap();
    assert_eq!(diagnostics[0].span, Span::new(at, at + 1));
    assert!(
        diagnostics[0].message.starts_with("invalid HCL"),
        "{}",
        diagnostics[0].message
    );

    let json = "{\n  \"resource\": {\n    \"a\": 1,\n  }\n}\n";
    let (_, diagnostics) = parse(json, "main.tf.json");
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(&json[diagnostics[0].span.range()], "}");
    assert_eq!(
        diagnostics[0].span.start as usize,
        json.find("  }").unwrap() + 2
    );
}

#[test]
fn broken_inputs_give_diagnostics() {
    let cases = [
        "locals {\n  p = <<EOT\n  {\n}\n",
        "resource \"a\" \"b\" {\n  x = 1\n",
        "resource \"a\" \"b\" {\n  x = 1\n}\n}\n",
        "x = [1, 2\n",
        "x = \"unterminated\n",
        "x = \"${var.a\"\n",
        "\u{feff}\u{0}\u{ffff}",
    ];
    for text in cases {
        let (_, diagnostics) = parse(text, "main.tf");
        assert_eq!(diagnostics.len(), 1, "{text:?}");
        assert!(diagnostics[0].span.end as usize <= text.len());
    }
    assert!(!parse("[1, 2", "x.tf.json").1.is_empty());
    assert!(!parse("\"just a string\"", "x.tf.json").1.is_empty());
    assert!(parse("", "empty.tf").1.is_empty());
    let bom = "\u{feff}x = 1\n";
    let file = parse_ok(bom, "a.tfvars");
    assert_eq!(slice(bom, file.attributes[0].span), "x = 1");
    let file = parse_ok("\u{feff}{\"x\": 1}", "a.tfvars.json");
    assert_eq!(file.attributes[0].key_span, Span::new(4, 7));
    assert!(!parse("", "empty.tf.json").1.is_empty());
}

/// Every span of the model lies inside the text.
fn assert_spans_in_bounds(file: &TerraformFile, len: usize) {
    let mut spans = Vec::new();
    let mut stack: Vec<&Block> = file.blocks.iter().collect();
    let mut attributes: Vec<&Attribute> = file.attributes.iter().collect();
    while let Some(block) = stack.pop() {
        spans.extend([block.span, block.header_span]);
        spans.extend(block.label_spans.iter().copied());
        attributes.extend(block.attributes.iter());
        stack.extend(block.blocks.iter());
    }
    for attr in attributes {
        spans.extend([attr.span, attr.key_span, attr.value_span]);
        let mut visit = |_: &[PathSegment<'_>], value: &Value, span: Span| {
            spans.push(span);
            if let Some(doc) = value.json_document() {
                doc.walk(span, &mut |_, _, inner| assert!(inner.end as usize <= len));
            }
        };
        attr.value.walk(attr.value_span, &mut visit);
    }
    for span in spans {
        assert!(
            span.start <= span.end && span.end as usize <= len,
            "{span:?}"
        );
    }
}

#[test]
fn truncated_inputs_never_panic() {
    let json = r#"{"resource": {"aws_iam_policy": {"p": {"policy": "{\"Statement\": [{\"Action\": \"${var.a}\"}]}", "n": [1, {"a": null}]}}}}"#;
    let heredoc =
        "x = <<-EOT\n  {\"a\": [\"${var.b}\", \"\\u00e9\u{e9}\"]}\n  EOT\ny = \"é${1}\"\n";
    for (text, path) in [
        (SECURITY_GROUP, "a.tf"),
        (json, "a.tf.json"),
        (heredoc, "a.tf"),
    ] {
        let (file, diagnostics) = parse(text, path);
        assert!(diagnostics.is_empty(), "{path}: {diagnostics:?}");
        assert_spans_in_bounds(&file, text.len());
        for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
            let prefix = &text[..end];
            let (file, diagnostics) = parse(prefix, path);
            assert_spans_in_bounds(&file, prefix.len());
            for d in diagnostics {
                assert!(d.span.end as usize <= prefix.len());
            }
        }
    }
}

#[test]
fn deep_nesting_is_rejected_without_overflowing_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let deep = 100_000;
            let mut inputs = vec![
                (
                    format!("x = {}{}", "[".repeat(deep), "]".repeat(deep)),
                    "a.tf",
                ),
                (
                    format!("x = {}1{}", "(".repeat(deep), ")".repeat(deep)),
                    "a.tf",
                ),
                ("a {\n".repeat(deep), "a.tf"),
                (format!("x = {}1", "!".repeat(deep)), "a.tf"),
                (format!("x = {}1", "- ".repeat(deep)), "a.tf"),
                (format!("x = 1{}", " + 1".repeat(deep)), "a.tf"),
                (format!("x = a{}", ".b".repeat(deep)), "a.tf"),
                (format!("x = {}1", "a ? b : ".repeat(deep)), "a.tf"),
                (format!("x = [1]{}", "[0]".repeat(deep)), "a.tf"),
                (format!("x = {}", "\"${".repeat(deep)), "a.tf"),
                ("[".repeat(deep), "a.tf.json"),
                (
                    format!("{{\"a\": \"{}\"}}", "${\\\"".repeat(deep)),
                    "a.tf.json",
                ),
                (
                    format!("{}1{}", "[".repeat(200), "]".repeat(200)),
                    "a.tfvars.json",
                ),
            ];
            // Just under the parser's own limits must still parse.
            let nested = 60;
            inputs.push((
                format!("x = {}1{}", "[".repeat(nested), "]".repeat(nested)),
                "ok.tf",
            ));
            inputs.push((format!("x = {}1", "!".repeat(nested)), "ok.tf"));
            inputs.push((format!("x = 1{}", " + 1".repeat(100)), "ok.tf"));
            inputs.push((
                format!(
                    "x = jsonencode({}1{})",
                    "[".repeat(nested),
                    "]".repeat(nested)
                ),
                "ok.tf",
            ));
            inputs.push((
                format!("{{\"x\": {}1{}}}", "[".repeat(120), "]".repeat(120)),
                "ok.tfvars.json",
            ));
            inputs.push((
                format!("p = <<EOT\n{}1{}\nEOT\n", "[".repeat(120), "]".repeat(120)),
                "ok.tf",
            ));
            let mut results = Vec::new();
            for (text, path) in &inputs {
                let (file, diagnostics) = parse(text, path);
                results.push((path.starts_with("ok"), file, diagnostics));
            }
            results
                .into_iter()
                .map(|(ok, file, diagnostics)| (ok, diagnostics.is_empty(), file.attributes.len()))
                .collect::<Vec<_>>()
        })
        .unwrap();
    let results = handle.join().unwrap();
    for (i, (ok, clean, attributes)) in results.into_iter().enumerate() {
        if ok {
            assert!(clean && attributes == 1, "case {i} should parse");
        } else {
            // Long flat traversals are not nesting: they may parse.
            assert!(!clean || i == 6 || i == 8, "case {i} should be rejected");
        }
    }
}
