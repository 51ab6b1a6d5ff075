# Report fixture: a plan against a state (terraform.tfstate, made from
# testdata/tf/bootstrap/report-update) that already has one problem. This change adds two more.
#   * already present: aws_subnet.legacy overlaps aws_subnet.a (introduced = false);
#   * introduced: aws_subnet.b_half overlaps aws_subnet.b, aws_subnet.tiny is a /29.

resource "aws_vpc" "main" {
  cidr_block = "10.70.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.70.1.0/24"
}

# expect: subnet-cidr-overlap
resource "aws_subnet" "legacy" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.70.1.128/25"
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.70.2.0/24"
}

# expect: subnet-cidr-overlap
resource "aws_subnet" "b_half" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.70.2.0/25"
}

# expect: subnet-cidr-size
resource "aws_subnet" "tiny" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.70.9.0/29"
}
