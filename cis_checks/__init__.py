"""The CIS AWS Foundations Benchmark controls, one pytest module per benchmark section."""
