"""Chapter 7 (regularisation): how each exercise is checked, one module per part of the chapter.

``correctness`` (section 1: the loss split by correctness), ``dropout`` and ``evaluation``
(section 2: dropout as a function and as a layer, evaluation mode), ``batch_norm`` (section 3:
batch norm in both modes, the regularised block), ``decay`` (section 4: the L2 penalty,
training with it) and ``stopping`` (section 5: early stopping). ``EXERCISES`` lists them in
the notebook's order.
"""

from course.check.spec import numbered
from course.exercises.ch07_regularization.batch_norm import (
                     BATCH_NORM_EVAL,
                     BATCH_NORM_TRAIN,
                     MAKE_BLOCK,
)
from course.exercises.ch07_regularization.correctness import LOSS_BY_CORRECTNESS
from course.exercises.ch07_regularization.decay import L2_PENALTY, TRAIN_WITH_EXPLICIT_L2
from course.exercises.ch07_regularization.dropout import INVERTED_DROPOUT, INVERTED_DROPOUT_LAYER
from course.exercises.ch07_regularization.evaluation import EVALUATE_LOSS
from course.exercises.ch07_regularization.stopping import TRAIN_WITH_EARLY_STOPPING

EXERCISES = numbered(LOSS_BY_CORRECTNESS, INVERTED_DROPOUT, INVERTED_DROPOUT_LAYER, EVALUATE_LOSS,
                     BATCH_NORM_TRAIN, BATCH_NORM_EVAL, MAKE_BLOCK, L2_PENALTY,
                     TRAIN_WITH_EXPLICIT_L2, TRAIN_WITH_EARLY_STOPPING)
