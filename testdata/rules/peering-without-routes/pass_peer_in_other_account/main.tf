# The peer VPC belongs to another account: its route tables are not in this plan.
resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc_peering_connection" "partner" {
  vpc_id        = aws_vpc.app.id
  peer_vpc_id   = "vpc-0fedcba9876543210"
  peer_owner_id = "210987654321"
}
