"""Chapter 6 (optimizers and schedules): how each exercise is checked, one module per section.

``steps`` (counting iterations, moving averages, one step of SGD with momentum, AdaGrad,
RMSProp and Adam), ``schedules`` (learning rate as a function of the epoch) and ``training``
(a loop with a scheduler, the range test). Explanations state properties of the student's
output, never the answer; the expected values are the solution's.
"""

from course.check.spec import numbered
from course.exercises.ch06_optimizers.schedules import (
                                                        EXPONENTIAL_LR,
                                                        MULTISTEP_LR,
                                                        STEP_LR,
                                                        WARMUP_COSINE_LR,
)
from course.exercises.ch06_optimizers.steps import (
                                                        ADAGRAD_STEP,
                                                        ADAM_STEP,
                                                        COUNT_ITERATIONS,
                                                        EXPONENTIAL_MOVING_AVERAGE,
                                                        RMSPROP_STEP,
                                                        SGD_MOMENTUM_STEP,
)
from course.exercises.ch06_optimizers.training import LR_RANGE_TEST, TRAIN_WITH_SCHEDULER

EXERCISES = numbered(COUNT_ITERATIONS, EXPONENTIAL_MOVING_AVERAGE, SGD_MOMENTUM_STEP, ADAGRAD_STEP,
                     RMSPROP_STEP, ADAM_STEP, STEP_LR, MULTISTEP_LR, EXPONENTIAL_LR,
                     TRAIN_WITH_SCHEDULER, LR_RANGE_TEST, WARMUP_COSINE_LR)
