"""Chapter 3 (activation functions): how each exercise is checked, one module per part.

``functions``: collapsing linear layers and the activations written from scratch (sections 1-2);
``networks``: saturation, gradients through a stack, dead units and output layers (sections
3-5). ``EXERCISES`` lists them in the notebook's order.
"""

from course.check.spec import numbered
from course.exercises.ch03_activations.functions import (
    COLLAPSE_LINEAR,
    LEAKY_RELU,
    SIGMOID,
    SIGMOID_DERIVATIVE,
    SOFTMAX,
    TANH,
    TWO_CLASS_PROBABILITY,
)
from course.exercises.ch03_activations.networks import (
    BUILD_MLP,
    DEAD_UNIT_SHARE,
    GRADIENT_THROUGH_STACK,
    SATURATED_SHARE,
)

EXERCISES = numbered(COLLAPSE_LINEAR, SIGMOID, TANH, LEAKY_RELU, SOFTMAX, TWO_CLASS_PROBABILITY,
                     SIGMOID_DERIVATIVE, SATURATED_SHARE, GRADIENT_THROUGH_STACK,
                     DEAD_UNIT_SHARE, BUILD_MLP)
