locals {
  environments = {
    prod = {
      cidr             = "10.100.0.0/16"
      azs              = ["us-east-1a", "us-east-1b"]
      single_nat       = false
      create_app_tier  = true
      create_data_tier = true
    }
    dev = {
      cidr             = "10.200.0.0/16"
      azs              = ["us-east-1a", "us-east-1b"]
      single_nat       = true
      create_app_tier  = false
      create_data_tier = false
    }
  }

  prod_vpc_id = module.network["prod"].vpc_id
}

module "network" {
  source   = "./modules/network"
  for_each = local.environments

  name             = each.key
  cidr             = each.value.cidr
  azs              = each.value.azs
  single_nat       = each.value.single_nat
  create_app_tier  = each.value.create_app_tier
  create_data_tier = each.value.create_data_tier
}

# Root resources consuming module outputs.
resource "aws_security_group" "bastion" {
  name        = "prod-bastion"
  description = "SSH jump host"
  vpc_id      = module.network["prod"].vpc_id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.0/24"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "bastion" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = module.network["prod"].public_subnet_ids["us-east-1a"]
  vpc_security_group_ids = [aws_security_group.bastion.id]
  tags                   = { Name = "prod-bastion" }
}

# Reference through a local.
resource "aws_security_group" "monitoring" {
  name        = "prod-monitoring"
  description = "Prometheus scrapers"
  vpc_id      = local.prod_vpc_id
}

# prod <-> dev peering, routes added to every private route table of prod.
resource "aws_vpc_peering_connection" "prod_dev" {
  vpc_id      = module.network["prod"].vpc_id
  peer_vpc_id = module.network["dev"].vpc_id
  auto_accept = true
  tags        = { Name = "prod-dev" }
}

resource "aws_route" "prod_to_dev" {
  count                     = length(local.environments.prod.azs)
  route_table_id            = module.network["prod"].private_route_table_ids[count.index]
  destination_cidr_block    = local.environments.dev.cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.prod_dev.id
}

output "prod_private_subnet_ids" {
  value = module.network["prod"].private_subnet_ids
}
