//! Table input and output.
