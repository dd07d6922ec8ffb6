//! `#[simloop::test]` (placeholder, being built).

use proc_macro::TokenStream;

/// Runs an `async fn` test on a simloop runtime (placeholder: not built yet).
#[proc_macro_attribute]
pub fn test(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}
