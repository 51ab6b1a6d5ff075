# `internal = var.internal` with a null default that the caller does not pass leaves `internal`
# unset: the ALB is internet-facing (terraform-aws-modules/alb v9 by default), yet its subnets use
# the main table, which has only `local`.
resource "aws_vpc" "main" {
  cidr_block = "10.9.0.0/16"
}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.9.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.9.2.0/24"
  availability_zone = "us-east-1b"
}
resource "aws_security_group" "alb" {
  name   = "alb"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
# expect: public-ip-without-igw module.lb.aws_lb.this
module "lb" {
  source          = "./modules/lb"
  subnets         = [aws_subnet.a.id, aws_subnet.b.id]
  security_groups = [aws_security_group.alb.id]

}
resource "aws_lb_listener" "https" {
  load_balancer_arn = module.lb.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}
