resource "aws_default_vpc" "default" {}
