# A root that adds an instance to a network another root manages: the VPC and the subnet are
# data sources, read at apply (their ids come from a resource), so the plan models no VPC and
# no subnet, and tfvpc says so instead of reporting a clean run.

resource "terraform_data" "network_ids" {
  input = {
    vpc    = "vpc-0a1b2c3d4e5f60718"
    subnet = "subnet-0a1b2c3d4e5f60718"
  }
}

data "aws_vpc" "shared" {
  id = terraform_data.network_ids.output.vpc
}

data "aws_subnet" "app" {
  id = terraform_data.network_ids.output.subnet
}

resource "aws_security_group" "app" {
  vpc_id = data.aws_vpc.shared.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = data.aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
