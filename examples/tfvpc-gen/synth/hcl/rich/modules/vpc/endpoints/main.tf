# Interface endpoints of a VPC (`tfvpc-gen --rich`): a module nested in `modules/vpc`.

variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "cidr" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "services" {
  type    = list(string)
  default = ["ssm", "ssmmessages", "ec2messages", "logs", "sts"]
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-endpoints"
  description = "HTTPS to the interface endpoints"
  vpc_id      = var.vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }

  tags = merge(var.tags, { Name = "${var.name}-endpoints" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each            = toset(var.services)
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.us-east-1.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
  tags                = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

output "security_group_id" {
  value = aws_security_group.endpoints.id
}
