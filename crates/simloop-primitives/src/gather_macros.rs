//! The machinery behind [`gather!`](crate::gather!) and
//! [`try_gather!`](crate::try_gather!): turning each argument into a task (a [`Task`] is
//! used as it is, anything else is spawned), and collecting a tuple of differently-typed
//! outcomes. The macros themselves are documented with [`gather`](mod@crate::gather).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use simloop_executor::{spawn, Task, TaskError};

use crate::error::ChildError;
use crate::gather::{AbandonGuard, Core, Slot};

/// The future behind [`gather!`](crate::gather!).
#[doc(hidden)]
#[must_use = "futures do nothing unless you .await or poll them; dropping a gather cancels its children"]
pub struct GatherTuple<S> {
    guard: AbandonGuard,
    slots: S,
}

impl<S: TakeAll> GatherTuple<S> {
    #[doc(hidden)]
    pub fn new(core: Core, slots: S) -> Self {
        core.seal();
        GatherTuple { guard: AbandonGuard(core), slots }
    }
}

impl<S: TakeAll + Unpin> Future for GatherTuple<S> {
    type Output = S::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S::Output> {
        let this = self.get_mut();
        this.guard.0.poll_done(cx).map(|_| this.slots.take_all())
    }
}

/// The future behind [`try_gather!`](crate::try_gather!).
#[doc(hidden)]
#[must_use = "futures do nothing unless you .await or poll them; dropping a gather cancels its children"]
pub struct TryGatherTuple<S, E> {
    guard: AbandonGuard,
    slots: S,
    _error: std::marker::PhantomData<fn() -> E>,
}

impl<S: TryTakeAll<E>, E> TryGatherTuple<S, E> {
    #[doc(hidden)]
    pub fn new(core: Core, slots: S) -> Self {
        core.seal();
        TryGatherTuple { guard: AbandonGuard(core), slots, _error: std::marker::PhantomData }
    }
}

impl<S: TryTakeAll<E> + Unpin, E> Future for TryGatherTuple<S, E> {
    type Output = Result<S::Output, ChildError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.guard.0.poll_done(cx).map(|failed| this.slots.try_take_all(failed))
    }
}

/// Turns a task or a future into a task, for the macros: a [`Task`] is used as it is
/// (autoref specialization), anything else is spawned.
#[doc(hidden)]
pub struct Wrap<T>(pub std::cell::Cell<Option<T>>);

#[doc(hidden)]
pub trait ViaTask {
    type Out;
    fn to_task(&self) -> Task<Self::Out>;
}

impl<T: 'static> ViaTask for Wrap<Task<T>> {
    type Out = T;
    fn to_task(&self) -> Task<T> {
        self.0.take().expect("gather!: input taken twice")
    }
}

#[doc(hidden)]
pub trait ViaFuture {
    type Out;
    fn to_task(&self) -> Task<Self::Out>;
}

impl<F: Future + 'static> ViaFuture for &Wrap<F>
where
    F::Output: 'static,
{
    type Out = F::Output;
    #[track_caller]
    fn to_task(&self) -> Task<F::Output> {
        spawn(self.0.take().expect("gather!: input taken twice"))
    }
}

/// Runs a fixed set of differently-typed futures (or [`Task`]s) as tasks and returns a
/// tuple of their outcomes, each a `Result<T, TaskError>` (asyncio's
/// `gather(a, b, c, return_exceptions=True)`). See [`gather`](fn@crate::gather).
///
/// ```
/// use simloop_executor::{sleep, Runtime};
/// use std::time::Duration;
///
/// let mut rt = Runtime::new();
/// let (a, b) = rt.block_on(async {
///     simloop_primitives::gather!(
///         async { sleep(Duration::from_secs(1)).await; 7 },
///         async { "text" },
///     )
///     .await
/// });
/// assert_eq!((a, b), (Ok(7), Ok("text")));
/// ```
#[macro_export]
macro_rules! gather {
    ($($fut:expr),+ $(,)?) => {{
        #[allow(unused_imports)]
        use $crate::__private::{ViaFuture as _, ViaTask as _};
        let core = $crate::__private::Core::new(false);
        let slots = ($(
            core.watch(
                (&$crate::__private::Wrap(::std::cell::Cell::new(::std::option::Option::Some($fut))))
                    .to_task(),
                $crate::__private::never_fails,
            ),
        )+);
        $crate::__private::GatherTuple::new(core, slots)
    }};
}

/// Like [`gather!`](crate::gather!) for children returning `Result<_, E>` (one `E` for
/// all): gives `Ok((a, b, ...))`, or the first failure as a
/// [`ChildError<E>`](crate::ChildError) at the instant it happens; the other children keep
/// running (asyncio's `gather(a, b, c)`). See [`try_gather`](fn@crate::try_gather).
///
/// ```
/// use simloop_executor::Runtime;
///
/// let mut rt = Runtime::new();
/// let r = rt.block_on(async {
///     simloop_primitives::try_gather!(async { Ok::<_, String>(1) }, async { Ok(true) }).await
/// });
/// assert_eq!(r, Ok((1, true)));
/// ```
#[macro_export]
macro_rules! try_gather {
    ($($fut:expr),+ $(,)?) => {{
        #[allow(unused_imports)]
        use $crate::__private::{ViaFuture as _, ViaTask as _};
        let core = $crate::__private::Core::new(true);
        let slots = ($(
            core.watch(
                (&$crate::__private::Wrap(::std::cell::Cell::new(::std::option::Option::Some($fut))))
                    .to_task(),
                $crate::__private::is_failure,
            ),
        )+);
        $crate::__private::TryGatherTuple::new(core, slots)
    }};
}

/// Takes every slot of a tuple (for [`gather!`](crate::gather!)).
#[doc(hidden)]
pub trait TakeAll {
    type Output;
    fn take_all(&self) -> Self::Output;
}

/// Takes every slot of a tuple, or the failing one (for [`try_gather!`](crate::try_gather!)).
#[doc(hidden)]
pub trait TryTakeAll<E> {
    type Output;
    fn try_take_all(&self, failed: Option<usize>) -> Result<Self::Output, ChildError<E>>;
}

macro_rules! tuple_impls {
    ($( ($($T:ident $i:tt),+) )+) => {$(
        impl<$($T),+> TakeAll for ($(Slot<$T>,)+) {
            type Output = ($(Result<$T, TaskError>,)+);
            fn take_all(&self) -> Self::Output {
                ($(self.$i.take(),)+)
            }
        }

        impl<E, $($T),+> TryTakeAll<E> for ($(Slot<Result<$T, E>>,)+) {
            type Output = ($($T,)+);
            fn try_take_all(&self, failed: Option<usize>) -> Result<Self::Output, ChildError<E>> {
                if let Some(f) = failed {
                    $(
                        if f == $i {
                            self.$i.take_flat()?;
                        }
                    )+
                }
                Ok(($(self.$i.take_flat()?,)+))
            }
        }
    )+};
}

tuple_impls! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, F 4)
    (A 0, B 1, C 2, D 3, F 4, G 5)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7, J 8)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7, J 8, K 9)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7, J 8, K 9, L 10)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7, J 8, K 9, L 10, M 11)
}
