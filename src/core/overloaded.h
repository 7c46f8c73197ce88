#pragma once
// The std::visit helper: one callable out of several lambdas, one per alternative.
//   std::visit(core::Overloaded{[](const A&) {...}, [](const B&) {...}}, variant);

namespace lmbench::core {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace lmbench::core
