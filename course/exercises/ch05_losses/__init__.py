"""Chapter 5 (loss functions): how each exercise is checked, one module per section.

``regression`` (MSE, Huber, fitting a constant), ``classification`` (binary and multi-class
cross entropy, its gradient), ``training`` (gradients of a linear layer, an SGD step, choosing
the loss of a task); ``shared`` holds what they share. Explanations state properties of the
student's output, never the answer; the expected values are the solution's.
"""

from course.check.spec import numbered
from course.exercises.ch05_losses.classification import (
                                                         BCE_WITH_LOGITS,
                                                         BINARY_CROSS_ENTROPY,
                                                         CROSS_ENTROPY,
                                                         CROSS_ENTROPY_GRADIENT,
                                                         SOFT_CROSS_ENTROPY,
)
from course.exercises.ch05_losses.regression import FIT_CONSTANT, HUBER_LOSS, MSE_LOSS
from course.exercises.ch05_losses.training import LINEAR_MSE_GRADIENTS, MANUAL_SGD_STEP, TASK_LOSS

EXERCISES = numbered(MSE_LOSS, HUBER_LOSS, FIT_CONSTANT, BINARY_CROSS_ENTROPY, BCE_WITH_LOGITS,
                     CROSS_ENTROPY, SOFT_CROSS_ENTROPY, CROSS_ENTROPY_GRADIENT,
                     LINEAR_MSE_GRADIENTS, MANUAL_SGD_STEP, TASK_LOSS)
