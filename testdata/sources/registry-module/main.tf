# Sources only (no plan): the configuration of testdata/plans/report-sources as if its zone
# module came from a registry. `terraform init` downloaded it to .terraform/modules/zone
# (modules.json says so), which repositories ignore: findings inside it belong on the
# `module "zone"` block below. `module "gone"` is not on disk at all.

resource "aws_vpc" "main" {
  cidr_block = "10.60.0.0/16"
}

resource "aws_subnet" "twins" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.60.100.0/24"
}

module "zone" {
  source   = "example-org/zone/aws"
  version  = "1.2.0"
  for_each = { a = 0, b = 1 }

  vpc_id = aws_vpc.main.id
  cidr   = cidrsubnet("10.60.0.0/16", 8, each.value)
}

module "gone" {
  source = "git::https://example.com/network/gone.git?ref=v1"
}
