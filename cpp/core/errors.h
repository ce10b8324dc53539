#pragma once
// Errors the core raises for bad input. The N-API layer turns their parameter name into the message
// prefix ("points: ...") that lib/ maps onto typed JS errors; anything else is a runtime failure.
#include <stdexcept>
#include <string>

namespace sam2 {

class ArgumentError : public std::invalid_argument {
 public:
  ArgumentError(std::string parameter, const std::string& message)
      : std::invalid_argument(parameter + ": " + message), parameter_(std::move(parameter)) {}
  const std::string& parameter() const { return parameter_; }

 private:
  std::string parameter_;
};

}  // namespace sam2
