# HCL mode only: the second subnet's range comes from variables in Terraform's precedence.
# terraform.tfvars < a.auto.tfvars < b.auto.tfvars.json (which makes it overlap the first
# subnet) < --var / --var-file in command-line order.
provider "aws" {
  region = "us-east-1"
}

variable "b_cidr" {
  type    = string
  default = "10.0.2.0/24"
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "hunter2"
}

variable "subnets" {
  type = map(object({
    cidr   = string
    public = optional(bool, false)
  }))
  default = {
    c = { cidr = "10.0.5.0/24" }
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = var.b_cidr
}

resource "aws_subnet" "more" {
  for_each                = var.subnets
  vpc_id                  = aws_vpc.main.id
  cidr_block              = each.value.cidr
  map_public_ip_on_launch = each.value.public
}
