//! Parsing `#[simloop::test(...)]` and writing its expansion.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use simloop_executor::Policy;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ItemFn, Lit, LitStr, Meta, Token};

/// The parsed options: builder calls on `Explore`, and what the expansion needs besides.
#[derive(Default)]
struct Options {
    calls: Vec<TokenStream>,
    /// `policy = "..."`, already checked with `Policy::from_str`.
    policy: Option<LitStr>,
    snapshot: bool,
    /// `crate = "..."`: the path of the `simloop` facade (default `::simloop`).
    krate: Option<syn::Path>,
}

fn int(expr: &Expr) -> syn::Result<u64> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Int(i), .. }) => i.base10_parse(),
        other => Err(syn::Error::new(other.span(), "expected an integer literal")),
    }
}

fn string(expr: &Expr) -> syn::Result<&LitStr> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Ok(s),
        other => Err(syn::Error::new(other.span(), "expected a string literal")),
    }
}

/// `policy = "..."`: parsed with the runtime's own `Policy::from_str`, so a policy the
/// runtime would refuse is a compile error on the literal, with the runtime's message.
fn check_policy(lit: &LitStr) -> syn::Result<()> {
    match lit.value().parse::<Policy>() {
        Ok(_) => Ok(()),
        Err(e) => Err(syn::Error::new(lit.span(), format!("unknown policy: {e}"))),
    }
}

/// `crate = "..."`: a path such as `simloop` or `::my_kit::simloop`.
fn crate_path(lit: &LitStr) -> syn::Result<syn::Path> {
    lit.parse().map_err(|_| {
        syn::Error::new(
            lit.span(),
            "expected the path of the simloop crate, such as \"simloop\" or \"::my_kit::simloop\"",
        )
    })
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
                let lit = string(value()?)?;
                check_policy(lit)?;
                o.policy = Some(lit.clone());
            }
            "crate" => o.krate = Some(crate_path(string(value()?)?)?),
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
                let text = string(v)?.value();
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
                     check_determinism, allow_leaks, wall_clock, snapshot or crate",
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
    // Every name the expansion uses goes through the checker's `__private` module: what it
    // holds may change with this macro, the checker's public API need not.
    let krate = options.krate.map_or_else(|| quote!(::simloop), |p| quote!(#p));
    let c = quote!(#krate::checker::__private);
    let policy = options
        .policy
        .map(|p| quote!(.policy(#c::parse_policy(#p).expect("a policy checked by the macro"))));
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
                source: ::core::option::Option::Some((
                    ::core::env!("CARGO_MANIFEST_DIR"),
                    ::core::file!(),
                )),
            };
            let __simloop_options = #c::Explore::new() #(#calls)* #policy;
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

    /// The error `expand` returns for `attr`.
    fn expand_err(attr: &str) -> syn::Error {
        let func: ItemFn = syn::parse_str("async fn t() {}").unwrap();
        match expand(attr.parse().unwrap(), &func) {
            Ok(ts) => panic!("{attr} expanded: {ts}"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_bad_policy_is_a_compile_error_on_its_literal_with_the_runtimes_message() {
        let attr = "seeds = 3, policy = \"pct:x\"";
        let e = expand_err(attr);
        let runtime = "pct:x".parse::<Policy>().unwrap_err();
        assert_eq!(e.to_string(), format!("unknown policy: {runtime}"));
        assert!(e.to_string().contains("use fifo, random, pct"), "{e}");
        // The span is the string literal's: columns 20..27 of `seeds = 3, policy = "pct:x"`.
        let span = e.span();
        assert_eq!(span.source_text().as_deref(), Some("\"pct:x\""));
        let literal = attr.find('"').unwrap();
        assert_eq!((span.start().column, span.end().column), (literal, attr.len()));
        // What the compiler sees: a compile_error! carrying that message, the function kept.
        let out = expand_str(attr, "async fn t() {}");
        assert!(out.contains("compile_error !"), "{out}");
        assert!(out.contains("is not a scheduling policy"), "{out}");
        assert!(out.contains("fn t"), "{out}");
    }

    #[test]
    fn every_policy_the_runtime_accepts_passes_the_macro() {
        for p in ["fifo", "random", "pct", "pct:2", "pct:2:50", "pct(depth=2,steps=50)", " Random "]
        {
            let out = expand_str(&format!("policy = {p:?}"), "async fn t() {}");
            assert!(!out.contains("compile_error"), "{p}: {out}");
            assert!(out.contains(&format!("parse_policy ({p:?})")), "{p}: {out}");
        }
    }

    #[test]
    fn the_expansion_reaches_the_checker_only_through_private() {
        let out = expand_str("policy = \"random\", snapshot", "async fn t() {}");
        let private = ":: simloop :: checker :: __private ::";
        for name in ["TestInfo {", "Explore", "run_test", "parse_policy", "assert_trace_snapshot"] {
            assert!(out.contains(&format!("{private} {name}")), "{name}: {out}");
        }
        assert_eq!(
            out.matches(":: checker ::").count(),
            out.matches(private).count(),
            "a checker path outside __private: {out}"
        );
    }

    #[test]
    fn the_crate_option_replaces_the_path_of_the_facade() {
        let out = expand_str("crate = \"my_kit::sim\", snapshot", "async fn t() {}");
        assert!(!out.contains(":: simloop ::"), "{out}");
        assert!(out.contains("my_kit :: sim :: checker :: __private :: run_test"), "{out}");
        assert!(out.contains("my_kit :: sim :: checker :: __private :: assert_trace_snapshot"));
        let leading = expand_str("crate = \"::simloop\"", "async fn t() {}");
        assert!(leading.contains(":: simloop :: checker :: __private :: run_test"), "{leading}");
        let e = expand_err("crate = \"not a path\"");
        assert!(e.to_string().starts_with("expected the path of the simloop crate"), "{e}");
        assert_eq!(e.span().source_text().as_deref(), Some("\"not a path\""));
        let e = expand_err("crate = simloop");
        assert_eq!(e.to_string(), "expected a string literal");
    }

    #[test]
    fn ignored_tests_are_noted_for_the_replay_command() {
        let out = expand_str("", "#[ignore] async fn t() {}");
        assert!(out.contains("ignored : true"), "{out}");
    }
}
