module "db" {
  source = "./modules/db" # contains resource "aws_default_vpc" "default" {}
}

module "instances" {
  source = "./modules/instances" # contains resource "aws_default_vpc" "default" {} too
}
