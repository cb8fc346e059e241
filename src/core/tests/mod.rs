//! Table-driven native tests of the configuration reader and the decisions.
