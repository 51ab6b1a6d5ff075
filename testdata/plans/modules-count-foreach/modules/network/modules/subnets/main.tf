variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "cidr_base" {
  description = "Block carved into one /24 per AZ."
  type        = string
}

variable "azs" {
  type = list(string)
}

variable "route_table_ids" {
  description = "Route table id per AZ."
  type        = map(string)
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_subnet" "this" {
  count             = length(var.azs)
  vpc_id            = var.vpc_id
  cidr_block        = cidrsubnet(var.cidr_base, 4, count.index)
  availability_zone = var.azs[count.index]
  tags              = merge(var.tags, { Name = "${var.name}-${var.azs[count.index]}" })
}

resource "aws_route_table_association" "this" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.this[count.index].id
  route_table_id = var.route_table_ids[var.azs[count.index]]
}

output "subnet_ids" {
  value = aws_subnet.this[*].id
}
