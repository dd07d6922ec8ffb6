//! Parsing `#[simloop::test(...)]` and writing its expansion.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ItemFn, Lit, Meta, Token};

/// The parsed options, as builder calls on `Explore`.
#[derive(Default)]
struct Options {
    calls: Vec<TokenStream>,
    snapshot: bool,
}

fn int(expr: &Expr) -> syn::Result<u64> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Int(i), .. }) => i.base10_parse(),
        other => Err(syn::Error::new(other.span(), "expected an integer literal")),
    }
}

fn string(expr: &Expr) -> syn::Result<String> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Ok(s.value()),
        other => Err(syn::Error::new(other.span(), "expected a string literal")),
    }
}

fn flag(meta: &Meta) -> syn::Result<bool> {
    match meta {
        Meta::Path(_) => Ok(true),
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit { lit: Lit::Bool(b), .. }) => Ok(b.value),
            other => Err(syn::Error::new(other.span(), "expected true or false")),
        },
        Meta::List(l) => Err(syn::Error::new(l.span(), "expected `name` or `name = true`")),
    }
}

fn parse_options(attr: TokenStream) -> syn::Result<Options> {
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr)?;
    let mut o = Options::default();
    let c = quote!(::simloop::checker);
    for meta in metas {
        let name = meta.path().get_ident().map(|i| i.to_string()).unwrap_or_default();
        let value = || match &meta {
            Meta::NameValue(nv) => Ok(&nv.value),
            _ => Err(syn::Error::new(meta.span(), format!("expected `{name} = ...`"))),
        };
        match name.as_str() {
            "seeds" => {
                let n = int(value()?)?;
                o.calls.push(quote!(.runs(#n)));
            }
            "seed" => {
                let n = int(value()?)?;
                o.calls.push(quote!(.seed(#n)));
            }
            "policy" => {
                let p = string(value()?)?;
                if !["fifo", "random", "pct"].iter().any(|k| p == *k) && !p.starts_with("pct:") {
                    return Err(syn::Error::new(
                        value()?.span(),
                        "unknown policy: use \"fifo\", \"random\", \"pct\", \"pct:<depth>\" or \
                         \"pct:<depth>:<steps>\"",
                    ));
                }
                o.calls.push(
                    quote!(.policy(#c::parse_policy(#p).expect("a policy checked by the macro"))),
                );
            }
            "step_limit" => {
                let n = int(value()?)?;
                o.calls.push(quote!(.step_limit(#n)));
            }
            "time_limit" => {
                let n = int(value()?)?;
                o.calls.push(quote!(.time_limit(::std::time::Duration::from_secs(#n))));
            }
            "check_determinism" => {
                let on = flag(&meta)?;
                o.calls.push(quote!(.check_determinism(#on)));
            }
            "allow_leaks" => {
                let on = flag(&meta)?;
                o.calls.push(quote!(.allow_leaks(#on)));
            }
            "snapshot" => o.snapshot = flag(&meta)?,
            "wall_clock" => {
                let v = value()?;
                let text = string(v)?;
                let parts: Vec<u64> = text.split(':').filter_map(|p| p.parse().ok()).collect();
                let [h, m, s] = parts[..] else {
                    return Err(syn::Error::new(v.span(), "expected \"HH:MM:SS\""));
                };
                o.calls.push(quote!(.wall_clock_hms(#h, #m, #s)));
            }
            _ => {
                return Err(syn::Error::new(
                    meta.path().span(),
                    "unknown option: expected seeds, seed, policy, step_limit, time_limit, \
                     check_determinism, allow_leaks, wall_clock or snapshot",
                ))
            }
        }
    }
    Ok(o)
}

/// Expands `#[simloop::test(attr)] item`. On an error, emits the function unchanged plus a
/// `compile_error!`, so editors keep working.
pub(crate) fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => return with_error(item, e),
    };
    match expand(attr, &func) {
        Ok(ts) => ts,
        Err(e) => with_error(item, e),
    }
}

fn with_error(item: TokenStream, e: syn::Error) -> TokenStream {
    let err = e.to_compile_error();
    quote!(#err #item)
}

fn expand(attr: TokenStream, func: &ItemFn) -> syn::Result<TokenStream> {
    let options = parse_options(attr)?;
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new(
            sig.fn_token.span(),
            "the `async` keyword is missing: #[simloop::test] runs an `async fn`",
        ));
    }
    if !sig.inputs.is_empty() {
        return Err(syn::Error::new(sig.inputs.span(), "a #[simloop::test] fn takes no arguments"));
    }
    if let Some(a) = func.attrs.iter().find(|a| a.path().is_ident("test")) {
        return Err(syn::Error::new(
            a.span(),
            "remove #[test]: #[simloop::test] already makes the function a test",
        ));
    }
    let ignored = func.attrs.iter().any(|a| a.path().is_ident("ignore"));
    let attrs = &func.attrs;
    let vis = &func.vis;
    let name = &sig.ident;
    let name_str = name.to_string();
    let output = &sig.output;
    let body = &func.block;
    let calls = &options.calls;
    let c = quote!(::simloop::checker);
    let snapshot = options.snapshot.then(|| quote!(#c::assert_trace_snapshot!(&__simloop_run);));
    let span = Span::call_site();
    Ok(quote_spanned! {span=>
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #name() {
            let __simloop_info = #c::TestInfo {
                package: ::core::env!("CARGO_PKG_NAME"),
                crate_name: ::core::env!("CARGO_CRATE_NAME"),
                name: #c::TestInfo::test_name(::core::module_path!(), #name_str),
                target_tmpdir: ::core::option_env!("CARGO_TARGET_TMPDIR"),
                ignored: #ignored,
            };
            let __simloop_options = #c::Explore::new() #(#calls)*;
            async fn __simloop_body() #output #body
            #[allow(unused_variables)]
            let __simloop_run = #c::run_test(__simloop_info, __simloop_options, __simloop_body);
            #snapshot
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_str(attr: &str, item: &str) -> String {
        test(attr.parse().unwrap(), item.parse().unwrap()).to_string()
    }

    #[test]
    fn options_become_builder_calls() {
        let out =
            expand_str("seeds = 500, policy = \"pct:2\", check_determinism", "async fn t() {}");
        assert!(out.contains(". runs (500u64)"), "{out}");
        assert!(out.contains("parse_policy (\"pct:2\")"), "{out}");
        assert!(out.contains(". check_determinism (true)"), "{out}");
        assert!(out.contains("ignored : false"), "{out}");
    }

    #[test]
    fn errors_name_the_fix_and_keep_the_function() {
        let out = expand_str("", "fn t() {}");
        assert!(out.contains("the `async` keyword is missing"), "{out}");
        assert!(out.contains("fn t"), "{out}");
        assert!(expand_str("sedes = 3", "async fn t() {}").contains("unknown option"));
        assert!(expand_str("policy = \"lifo\"", "async fn t() {}").contains("unknown policy"));
        assert!(expand_str("", "#[test] async fn t() {}").contains("remove #[test]"));
    }

    #[test]
    fn ignored_tests_are_noted_for_the_replay_command() {
        let out = expand_str("", "#[ignore] async fn t() {}");
        assert!(out.contains("ignored : true"), "{out}");
    }
}
