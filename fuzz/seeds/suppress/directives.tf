# devops-lint: ignore-file[SEC001] generated file
resource "aws_security_group" "bastion" { # devops-lint: ignore[SEC007, open-admin-port] office IP only
  ingress {
    # devops-lint: ignore[SEC007] until=2027-03-31 temporary
    cidr_blocks = ["0.0.0.0/0"] // devops-lint: ignore[SEC999]
  }
  /* devops-lint: ignore[] */
}
# devops-lint: ignore[SEC007 no closing bracket
- run: echo # devops-lint: ignore[SEC018] until=bad-date reason */
