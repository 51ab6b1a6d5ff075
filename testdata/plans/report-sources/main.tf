# Report fixture: findings in every kind of place a source locator must find.
#   * root resources with count and for_each,
#   * a for_each module (./modules/zone) calling a count module (./modules/zone/modules/extra),
#   * a resource declared in subnets.tf.json,
#   * a resource whose cidr_block main_override.tf replaces.

resource "aws_vpc" "main" {
  cidr_block = "10.60.0.0/16"
  tags       = { Name = "report" }
}

# expect: subnet-cidr-overlap aws_subnet.twins[1]
resource "aws_subnet" "twins" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.60.100.0/24"
}

# expect: subnet-cidr-overlap aws_subnet.by_key["y"]
resource "aws_subnet" "by_key" {
  for_each = {
    x = "10.60.110.0/24"
    y = "10.60.110.0/25"
  }
  vpc_id     = aws_vpc.main.id
  cidr_block = each.value
}

# main_override.tf sets a /30 here.
resource "aws_subnet" "overridden" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.60.130.0/24"
}

module "zone" {
  source   = "./modules/zone"
  for_each = { a = 0, b = 1 }

  vpc_id = aws_vpc.main.id
  cidr   = cidrsubnet("10.60.0.0/16", 8, each.value)
}
