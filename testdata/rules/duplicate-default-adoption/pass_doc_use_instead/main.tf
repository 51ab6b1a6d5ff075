resource "aws_default_vpc" "default" {}

module "db" {
  source = "./modules/db"
  vpc_id = aws_default_vpc.default.id
}

module "instances" {
  source = "./modules/instances"
  vpc_id = aws_default_vpc.default.id
}
