# shape of terraform-aws-modules/transit-gateway: attachments from a map variable
variable "tgw_id" { type = string }
variable "vpc_attachments" {
  type = map(object({ vpc_id = string, subnet_ids = list(string) }))
}
resource "aws_ec2_transit_gateway_vpc_attachment" "this" {
  for_each           = var.vpc_attachments
  transit_gateway_id = var.tgw_id
  vpc_id             = each.value.vpc_id
  subnet_ids         = each.value.subnet_ids
}
